import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { inChunks, patternBytes, readAll } from "../../test/bytes.ts";
import { describeObjectStoreContract } from "../../test/object-store-contract.ts";
import { makeTempDir, type TempDir } from "../../test/temp-dir.ts";
import { InvalidObjectKeyError } from "../errors.ts";
import { createFileObjectStore } from "./file-object-store.ts";
import type { ObjectStore } from "./object-store.ts";

let temp: TempDir;
let store: ObjectStore;
let root: string;

beforeAll(async () => {
  temp = await makeTempDir();
  // The store lives one level down, so a key escaping the root would land in `temp` visibly.
  root = join(temp.path, "objects");
  store = createFileObjectStore({ root });
});

afterAll(async () => {
  await temp[Symbol.asyncDispose]();
});

describeObjectStoreContract("file store", () => store);

/** Every path under `dir`, relative, sorted. */
async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.sort();
}

describe("createFileObjectStore", () => {
  it("keeps key a/b as the file <root>/a/b", async () => {
    await store.put("layout/a/b", inChunks(Buffer.from("bytes"), 2));
    expect((await stat(join(root, "layout", "a", "b"))).size).toBe(5);
  });

  it("never writes outside its root for hostile keys", async () => {
    const before = await listTree(temp.path);
    for (const key of ["../escape", "../../escape", "/tmp/escape", "a/../../escape"]) {
      await expect(store.put(key, inChunks(Buffer.from("x"), 1))).rejects.toBeInstanceOf(
        InvalidObjectKeyError,
      );
    }
    expect(await listTree(temp.path)).toEqual(before);
  });

  it("lets a reader that opened the old object finish reading it while a put replaces it", async () => {
    const key = "atomic/image";
    const oldBytes = patternBytes(2_000_000, 1);
    const newBytes = patternBytes(2_000_000, 2);
    await store.put(key, inChunks(oldBytes, 65_536));

    const oldReader = await store.read(key);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowBody = (async function* () {
      yield newBytes.subarray(0, 1_000_000);
      await gate; // the put is half-way: its bytes are in the temporary file only
      yield newBytes.subarray(1_000_000);
    })();
    const putting = store.put(key, slowBody);

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await readAll(await store.read(key))).equals(oldBytes)).toBe(true);
    release();
    await putting;

    expect((await readAll(oldReader)).equals(oldBytes)).toBe(true);
    expect((await readAll(await store.read(key))).equals(newBytes)).toBe(true);
  });

  it("removes its temporary file when a put fails", async () => {
    const body = (async function* () {
      yield Buffer.from("partial");
      await Promise.resolve();
      throw new Error("disk on fire");
    })();
    await expect(store.put("failing/object", body)).rejects.toThrow("disk on fire");
    expect(await readdir(join(root, "failing"))).toEqual([]);
  });

  it("removes the folders deletePrefix empties, and leftover temporary files with them", async () => {
    await store.put("cleanup/builds/7/a", inChunks(Buffer.from("a"), 1));
    await store.put("cleanup/builds/7/logs/b", inChunks(Buffer.from("b"), 1));
    await store.put("cleanup/builds/8/a", inChunks(Buffer.from("a"), 1));
    // What a crashed put leaves: not an object (its name has `~`), so not counted.
    await writeFile(join(root, "cleanup", "builds", "7", "a~dead.tmp"), "half");
    expect(await store.deletePrefix("cleanup/builds/7/")).toBe(2);
    expect(await readdir(join(root, "cleanup", "builds"))).toEqual(["8"]);
  });

  it("refuses a key that is both an object and a folder", async () => {
    await store.put("conflict/a", inChunks(Buffer.from("file"), 4));
    await expect(store.put("conflict/a/b", inChunks(Buffer.from("x"), 1))).rejects.toThrow(
      "cannot hold an object and a folder of objects with the same name",
    );
    await store.put("conflict/c/d", inChunks(Buffer.from("x"), 1));
    await expect(store.put("conflict/c", inChunks(Buffer.from("x"), 1))).rejects.toBeInstanceOf(
      InvalidObjectKeyError,
    );
    expect(await readdir(join(root, "conflict"))).toEqual(["a", "c"]);
    expect(await readdir(join(root, "conflict", "c"))).toEqual(["d"]);
  });

  it("treats a folder as no object", async () => {
    await mkdir(join(root, "folder-only", "x"), { recursive: true });
    expect(await store.stat("folder-only/x")).toBeNull();
    await expect(store.read("folder-only/x")).rejects.toThrow("object not found: folder-only/x");
  });

  it("has no presigned URLs: the server streams the files itself", async () => {
    await expect(
      store.presignedGetUrl("layout/a/b", { expiresInSeconds: 60, filename: "b.img" }),
    ).resolves.toBeNull();
  });
});
