import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";

import { blake2b512Hex, inChunks, patternBytes, readAll, sha256Hex } from "../../../test/bytes.ts";
import { ArtifactError } from "../../errors.ts";
import { digestingSource, HASH_SLICE_BYTES } from "./digesting-source.ts";

describe("digestingSource", () => {
  it("passes the bytes through unchanged and digests them in the same pass", async () => {
    const bytes = patternBytes(200_000);
    const source = digestingSource(inChunks(bytes, 7_001));
    expect((await readAll(source.chunks)).equals(bytes)).toBe(true);
    expect(source.digests()).toEqual({
      size: bytes.length,
      sha256: sha256Hex(bytes),
      blake2b512: blake2b512Hex(bytes),
    });
  });

  it("digests an empty body", async () => {
    const source = digestingSource(inChunks(new Uint8Array(0), 1));
    await readAll(source.chunks);
    expect(source.digests()).toEqual({
      size: 0,
      sha256: sha256Hex(Buffer.alloc(0)),
      blake2b512: blake2b512Hex(Buffer.alloc(0)),
    });
  });

  it("reads a Node stream", async () => {
    const bytes = patternBytes(50_000);
    const source = digestingSource(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]));
    await readAll(source.chunks);
    expect(source.digests().sha256).toBe(sha256Hex(bytes));
  });

  it("hashes a chunk bigger than 1 MiB in slices, letting the event loop run in between", async () => {
    const bytes = patternBytes(8 * HASH_SLICE_BYTES + 5);
    let turns = 0;
    let running = true;
    const tick = (): void => {
      turns += 1;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const source = digestingSource(
      (async function* () {
        yield await Promise.resolve(bytes);
      })(),
    );
    await readAll(source.chunks);
    running = false;
    // One turn per slice boundary at least (8 boundaries); an unsliced hash would allow ~1.
    expect(turns).toBeGreaterThanOrEqual(8);
    expect(source.digests().blake2b512).toBe(blake2b512Hex(bytes));
  });

  it("refuses string chunks, whose bytes would depend on an encoding", async () => {
    const stream = Readable.from(["text"]);
    const source = digestingSource(stream);
    await expect(readAll(source.chunks)).rejects.toThrow(ArtifactError);
    await expect(readAll(digestingSource(Readable.from(["text"])).chunks)).rejects.toThrow(
      "got string (was setEncoding called on the stream?)",
    );
  });

  it("has no digests before the body has been read to its end", async () => {
    const source = digestingSource(inChunks(patternBytes(10), 5));
    await source.chunks.next();
    expect(() => source.digests()).toThrow("not read to its end");
  });
});
