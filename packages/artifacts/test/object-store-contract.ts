import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";

import {
  ArtifactError,
  InvalidObjectKeyError,
  InvalidRangeError,
  ObjectNotFoundError,
} from "../src/errors.ts";
import type { ObjectStore } from "../src/storage/object-store.ts";
import {
  blake2b512Hex,
  failingAfter,
  inChunks,
  patternBytes,
  readAll,
  sha256Hex,
} from "./bytes.ts";

const HOSTILE_KEYS = [
  "../../etc/passwd",
  "/etc/passwd",
  "builds/../../../escape",
  "a\0b",
  "./x",
  "",
  "a//b",
];

/** Contract checks an emulator cannot pass, each with the reason. */
export interface ContractQuirks {
  /** s3rver reads `Range: bytes=0-0` as "from 0 to the end" (it tests the end for truthiness). */
  rangeEndingAtByteZero?: false;
}

/**
 * The behaviour every ObjectStore adapter must have. `store()` returns the adapter under test;
 * each test works under its own random prefix, so tests never see each other's objects.
 */
export function describeObjectStoreContract(
  name: string,
  store: () => ObjectStore,
  quirks: ContractQuirks = {},
): void {
  describe(`${name}: the ObjectStore contract`, () => {
    const prefix = (): string => `t-${randomUUID()}/`;

    it("stores a streamed body and returns its size and both digests", async () => {
      const key = `${prefix()}builds/1/image.img`;
      const bytes = patternBytes(300_001);
      const stored = await store().put(key, inChunks(bytes, 65_536));
      expect(stored).toEqual({
        key,
        size: bytes.length,
        sha256: sha256Hex(bytes),
        blake2b512: blake2b512Hex(bytes),
      });
      expect(await store().stat(key)).toEqual({ size: bytes.length });
      expect(sha256Hex(await readAll(await store().read(key)))).toBe(sha256Hex(bytes));
    });

    it("accepts a Node.js Readable as the body", async () => {
      const key = `${prefix()}log.txt`;
      const bytes = Buffer.from("line 1\nline 2\n");
      const stored = await store().put(
        key,
        Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]),
      );
      expect(stored.sha256).toBe(sha256Hex(bytes));
      expect((await readAll(await store().read(key))).toString()).toBe("line 1\nline 2\n");
    });

    it("stores an empty object", async () => {
      const key = `${prefix()}empty`;
      const stored = await store().put(key, inChunks(new Uint8Array(0), 1));
      expect(stored.size).toBe(0);
      expect(stored.sha256).toBe(sha256Hex(Buffer.alloc(0)));
      expect(await store().stat(key)).toEqual({ size: 0 });
      expect((await readAll(await store().read(key))).length).toBe(0);
    });

    it("reports a missing object as null from stat and ObjectNotFoundError from read", async () => {
      const key = `${prefix()}missing`;
      expect(await store().stat(key)).toBeNull();
      const error: unknown = await store()
        .read(key)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect((error as ObjectNotFoundError).code).toBe("OBJECT_NOT_FOUND");
      expect((error as Error).message).toBe(`object not found: ${key}`);
    });

    it("reads inclusive byte ranges and clamps an end past the last byte", async () => {
      const key = `${prefix()}ranged`;
      const bytes = patternBytes(10_000, 7);
      await store().put(key, inChunks(bytes, 4096));
      const slice = async (start: number, end: number): Promise<Buffer> =>
        readAll(await store().read(key, { start, end }));
      if (quirks.rangeEndingAtByteZero !== false) {
        expect((await slice(0, 0)).equals(bytes.subarray(0, 1))).toBe(true);
      }
      expect((await slice(0, 1)).equals(bytes.subarray(0, 2))).toBe(true);
      expect((await slice(100, 4195)).equals(bytes.subarray(100, 4196))).toBe(true);
      expect((await slice(9_999, 9_999)).equals(bytes.subarray(9_999))).toBe(true);
      expect((await slice(9_000, 50_000)).equals(bytes.subarray(9_000))).toBe(true);
    });

    it("refuses malformed ranges and ranges starting past the end", async () => {
      const key = `${prefix()}ranged`;
      await store().put(key, inChunks(patternBytes(100), 100));
      for (const range of [
        { start: 5, end: 4 },
        { start: -1, end: 4 },
        { start: 0.5, end: 4 },
        { start: 100, end: 200 },
      ]) {
        await expect(store().read(key, range)).rejects.toBeInstanceOf(InvalidRangeError);
      }
    });

    it("replaces an existing object", async () => {
      const key = `${prefix()}replaced`;
      await store().put(key, inChunks(Buffer.from("old contents"), 4));
      await store().put(key, inChunks(Buffer.from("new"), 4));
      expect((await readAll(await store().read(key))).toString()).toBe("new");
      expect(await store().stat(key)).toEqual({ size: 3 });
    });

    it("leaves nothing behind, and the old object in place, when the body fails", async () => {
      const folder = prefix();
      const key = `${folder}replaced`;
      await store().put(key, inChunks(Buffer.from("old"), 4));
      await expect(store().put(key, failingAfter(patternBytes(100_000), 10_000))).rejects.toThrow(
        "source failed mid-way",
      );
      await expect(
        store().put(`${folder}new`, failingAfter(patternBytes(10), 5)),
      ).rejects.toThrow();
      expect((await readAll(await store().read(key))).toString()).toBe("old");
      expect(await store().stat(`${folder}new`)).toBeNull();
      expect(await store().deletePrefix(folder)).toBe(1);
    });

    it("refuses a body that yields strings", async () => {
      const key = `${prefix()}text`;
      const body = Readable.from(["some text"]);
      const error: unknown = await store()
        .put(key, body)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ArtifactError);
      expect((error as ArtifactError).code).toBe("INVALID_INPUT");
      expect(await store().stat(key)).toBeNull();
    });

    it("deletes every object under a prefix and counts them", async () => {
      const root = prefix();
      const keys = [
        `${root}builds/4/a`,
        `${root}builds/4/sub/b`,
        `${root}builds/4/sub/deeper/c`,
        `${root}builds/42/a`,
        `${root}builds/5/a`,
      ];
      for (const key of keys) await store().put(key, inChunks(Buffer.from(key), 8));
      expect(await store().deletePrefix(`${root}builds/4/`)).toBe(3);
      expect(await store().stat(`${root}builds/4/sub/b`)).toBeNull();
      expect(await store().stat(`${root}builds/42/a`)).toEqual({ size: keys[3]?.length });
      // A prefix is a plain string prefix: `builds/4` would have matched `builds/42/` too.
      expect(await store().deletePrefix(`${root}builds/4`)).toBe(1);
      expect(await store().stat(`${root}builds/5/a`)).not.toBeNull();
      expect(await store().deletePrefix(`${root}builds/4/`)).toBe(0);
      expect(await store().deletePrefix(`${root}nothing-here/`)).toBe(0);
      expect(await store().deletePrefix(root)).toBe(1);
    });

    it.each(HOSTILE_KEYS)("refuses the key %j in every method", async (key) => {
      const body = inChunks(Buffer.from("x"), 1);
      await expect(store().put(key, body)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store().stat(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store().read(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(
        store().presignedGetUrl(key, { expiresInSeconds: 60, filename: "x" }),
      ).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it.each(["", "/", "../", "builds/../", "a\0"])("refuses the prefix %j", async (bad) => {
      await expect(store().deletePrefix(bad)).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it("refuses bad presign options", async () => {
      const key = `${prefix()}x`;
      for (const expiresInSeconds of [0, 1.5, 8 * 24 * 3600]) {
        await expect(
          store().presignedGetUrl(key, { expiresInSeconds, filename: "x" }),
        ).rejects.toThrow("expiresInSeconds");
      }
      await expect(
        store().presignedGetUrl(key, { expiresInSeconds: 60, filename: "" }),
      ).rejects.toThrow("file name");
    });
  });
}
