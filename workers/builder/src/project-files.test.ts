import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { createFileObjectStore, type ObjectStore } from "@bbos/artifacts";
import type { BuildFileRow } from "@bbos/db";

import { PermanentBuildError } from "./permanent-build-error.ts";
import { writeProjectFiles } from "./project-files.ts";

describe("writeProjectFiles", () => {
  let dir: string;
  let store: ObjectStore;
  let inputDir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "bbos-project-files-"));
    store = createFileObjectStore({ root: join(dir, "store") });
    inputDir = join(dir, "in");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const stored = async (fileId: string, bytes: Buffer): Promise<BuildFileRow> => {
    const versionId = `${fileId}-v1`;
    const storageKey = `files/${versionId}`;
    await store.put(storageKey, Readable.from([bytes]));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    return { fileId, versionId, size: bytes.length, sha256, storageKey };
  };
  const write = (files: BuildFileRow[], fileVersionIds = files.map((file) => file.versionId)) =>
    writeProjectFiles(store, inputDir, { files, fileVersionIds });

  it("writes each version's bytes under project-files/<fileId>", async () => {
    const blob = randomBytes(300_000);
    const files = [await stored("motd", Buffer.from("hello\n")), await stored("blob", blob)];
    expect(await write(files)).toEqual({ files: 2, bytes: 6 + blob.length });
    expect(await readFile(join(inputDir, "project-files", "motd"), "utf8")).toBe("hello\n");
    expect((await readFile(join(inputDir, "project-files", "blob"))).equals(blob)).toBe(true);
  });

  it("fails for good when the stored bytes are not the ones uploaded", async () => {
    const file = await stored("motd", Buffer.from("hello\n"));
    await store.put(file.storageKey, Readable.from([Buffer.from("hellO\n")]));
    await expect(write([file])).rejects.toThrow(PermanentBuildError);
    await expect(write([file])).rejects.toThrow(
      /project file motd \(version motd-v1\) is not what was uploaded: 6 bytes with SHA-256 [0-9a-f]{64}, expected 6 bytes/,
    );
  });

  it("fails for good, before writing anything, when a version the build copies is gone", async () => {
    const file = await stored("motd", Buffer.from("hello\n"));
    await expect(write([file], [file.versionId, "v-gone"])).rejects.toThrow(
      "the project file version v-gone this build copies no longer exists; save the board again and start a new build",
    );
    expect(await readdir(dir)).toEqual(["store"]);
  });

  it("fails for good when a version's bytes are missing from storage", async () => {
    const file = await stored("motd", Buffer.from("hello\n"));
    await store.deletePrefix("files/");
    const failure = write([file]);
    await expect(failure).rejects.toThrow(PermanentBuildError);
    await expect(failure).rejects.toThrow(
      "the stored bytes of project file motd (version motd-v1) are missing",
    );
  });
});
