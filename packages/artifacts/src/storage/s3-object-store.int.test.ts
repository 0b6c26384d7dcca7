// Runs the S3 adapter against s3rver, an S3 emulator started on port 0 in a temporary folder.
// s3rver does not verify SigV4 signatures or checksums, so these tests prove the S3 protocol
// use (multipart, ranges, presigning, batch delete), not AWS's authentication.
import type { IncomingMessage } from "node:http";
import S3rver from "s3rver";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { inChunks, patternBytes, readAll, sha256Hex } from "../../test/bytes.ts";
import { describeObjectStoreContract } from "../../test/object-store-contract.ts";
import { makeTempDir, type TempDir } from "../../test/temp-dir.ts";
import { InvalidObjectKeyError } from "../errors.ts";
import { createS3ObjectStore, type S3ObjectStore } from "./s3-object-store.ts";

const BUCKET = "artifacts-test";
const MiB = 1024 * 1024;

let temp: TempDir;
let server: S3rver;
let store: S3ObjectStore;
/** `METHOD path?query` of every request s3rver received, for asserting what the SDK sent. */
let requests: string[] = [];

beforeAll(async () => {
  temp = await makeTempDir("bbos-s3rver-");
  server = new S3rver({
    address: "127.0.0.1", // not `localhost`, which may resolve to IPv6 first
    port: 0,
    silent: true,
    directory: temp.path,
    configureBuckets: [{ name: BUCKET }],
  });
  // s3rver's DeleteObjects deletes all keys at once, and each deletion removes the folders it
  // empties with a check-then-rmdir; two of them emptying one folder race and fail with
  // InternalError. Real S3 has no folders. Serialise the emulator's deletions.
  const deleteObject = server.store.deleteObject.bind(server.store);
  let deletions = Promise.resolve();
  server.store.deleteObject = (bucket, key) => {
    const next = deletions.then(() => deleteObject(bucket, key));
    deletions = next.catch(() => undefined);
    return next;
  };
  const { port } = await server.run();
  server.httpServer?.prependListener("request", (request: IncomingMessage) => {
    requests.push(`${request.method} ${request.url}`);
  });
  store = createS3ObjectStore({
    bucket: BUCKET,
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, // s3rver's built-in account
  });
});

afterAll(async () => {
  store.close();
  await server.close();
  await temp[Symbol.asyncDispose]();
});

beforeEach(() => {
  requests = [];
});

describeObjectStoreContract("S3 store", () => store, { rangeEndingAtByteZero: false });

describe("createS3ObjectStore", () => {
  it("uploads a streamed body bigger than one part as a multipart upload", async () => {
    const key = "multipart/builds/1/image.img";
    const bytes = patternBytes(19 * MiB + 12_345, 3);
    const stored = await store.put(key, inChunks(bytes, 256 * 1024), {
      contentType: "application/octet-stream",
    });
    expect(stored.size).toBe(bytes.length);
    expect(stored.sha256).toBe(sha256Hex(bytes));

    const parts = requests.filter((line) => /^PUT .*[?&]partNumber=/.test(line));
    expect(requests.some((line) => /^POST .*[?&]uploads/.test(line))).toBe(true);
    expect(parts).toHaveLength(3); // 8 MiB + 8 MiB + the rest
    expect(requests.some((line) => /^POST .*[?&]uploadId=/.test(line))).toBe(true);

    expect(sha256Hex(await readAll(await store.read(key)))).toBe(sha256Hex(bytes));
    const tail = await readAll(await store.read(key, { start: 8 * MiB - 10, end: 8 * MiB + 9 }));
    expect(tail.equals(bytes.subarray(8 * MiB - 10, 8 * MiB + 10))).toBe(true);
  });

  it("aborts the multipart upload when the body fails after some parts", async () => {
    const key = "multipart/failed";
    const body = (async function* () {
      yield* inChunks(patternBytes(17 * MiB), MiB);
      throw new Error("source failed mid-way");
    })();
    // s3rver does not implement AbortMultipartUpload (it answers MethodNotAllowed); the error
    // still names the real cause first.
    await expect(store.put(key, body)).rejects.toThrow(
      `uploading s3://${BUCKET}/${key} failed: source failed mid-way (then aborting`,
    );
    expect(requests.some((line) => /^DELETE .*[?&]uploadId=/.test(line))).toBe(true);
    expect(await store.stat(key)).toBeNull();
  });

  it("sends a small body as one PUT with its content type", async () => {
    const key = "single/SHA256SUMS";
    await store.put(key, inChunks(Buffer.from("abc  x\n"), 3), { contentType: "text/plain" });
    expect(requests.filter((line) => line.startsWith("PUT "))).toHaveLength(1);
    const url = await store.presignedGetUrl(key, { expiresInSeconds: 60, filename: "SHA256SUMS" });
    const response = await fetch(url ?? "");
    expect(response.headers.get("content-type")).toBe("text/plain");
  });

  it("presigns a GET that anyone can fetch, saved under the given file name", async () => {
    const key = "presigned/builds/9/image.img.zst";
    const bytes = patternBytes(100_000, 9);
    await store.put(key, inChunks(bytes, 10_000));
    const url = await store.presignedGetUrl(key, {
      expiresInSeconds: 300,
      filename: "rpi4 büild.img.zst",
    });
    expect(url).toMatch(/X-Amz-Signature=/);
    expect(url).toMatch(/X-Amz-Expires=300/);

    const response = await fetch(url ?? "");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(
      "attachment; filename=\"rpi4 b_ild.img.zst\"; filename*=UTF-8''rpi4%20b%C3%BCild.img.zst",
    );
    expect(sha256Hex(Buffer.from(await response.arrayBuffer()))).toBe(sha256Hex(bytes));
  });

  it("deletes more objects than one delete request takes", async () => {
    const keys = Array.from({ length: 1_005 }, (_, index) => `many/builds/3/file-${index}`);
    for (let index = 0; index < keys.length; index += 50) {
      await Promise.all(
        keys.slice(index, index + 50).map((key) => store.put(key, inChunks(Buffer.from(key), 64))),
      );
    }
    requests = [];
    expect(await store.deletePrefix("many/builds/3/")).toBe(1_005);
    expect(requests.filter((line) => /^POST .*[?&]delete/.test(line))).toHaveLength(2);
    expect(await store.stat("many/builds/3/file-1004")).toBeNull();
  });

  it("refuses to serve a range the service answered wrongly", async () => {
    const key = "ranges/zero";
    await store.put(key, inChunks(patternBytes(1000), 100));
    await expect(store.read(key, { start: 0, end: 0 })).rejects.toThrow(
      'answered range 0-0 with Content-Range "bytes 0-999/1000": it does not honour byte ranges',
    );
  });

  it("sends no request for a hostile key", async () => {
    await expect(store.stat("../../etc/passwd")).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(store.deletePrefix("../")).rejects.toBeInstanceOf(InvalidObjectKeyError);
    expect(requests).toEqual([]);
  });
});
