import { createHash } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";

import { ArtifactError } from "../../errors.ts";
import type { ObjectBody } from "../object-store.ts";

/**
 * Hashing 1 MiB with SHA-256 and BLAKE2b-512 takes a few milliseconds; a stream may hand over a
 * chunk of hundreds of MiB (a caller's Buffer), so bigger chunks are hashed a slice at a time
 * with a turn of the event loop in between, keeping other requests served.
 */
export const HASH_SLICE_BYTES = 1024 * 1024;

/** Size and digests of the bytes that went through a {@link DigestingSource}. */
export interface Digests {
  size: number;
  sha256: string;
  blake2b512: string;
}

/** A body passed through unchanged, with its size and digests taken on the way. */
export interface DigestingSource {
  /** The body's chunks, each hashed before it is handed on. Iterate once. */
  chunks: AsyncGenerator<Uint8Array, void, undefined>;
  /**
   * The digests of everything `chunks` yielded.
   * @throws Error if `chunks` has not been read to its end (the digests would be of a prefix).
   */
  digests(): Digests;
}

/**
 * Wraps `body` so that size, SHA-256 and BLAKE2b-512 are computed in the same single pass that
 * stores it. Only bytes are accepted: a string chunk (a stream with `setEncoding`) throws
 * `ArtifactError("INVALID_INPUT")`, because its bytes would depend on the encoding.
 */
export function digestingSource(body: ObjectBody): DigestingSource {
  const sha256 = createHash("sha256");
  const blake2b512 = createHash("blake2b512");
  let size = 0;
  let finished: Digests | undefined;

  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of body as AsyncIterable<unknown>) {
      if (!(chunk instanceof Uint8Array)) {
        throw new ArtifactError(
          "INVALID_INPUT",
          `an object body must yield bytes (Uint8Array), got ${typeof chunk}` +
            (typeof chunk === "string" ? " (was setEncoding called on the stream?)" : ""),
        );
      }
      for (let offset = 0; offset < chunk.byteLength; offset += HASH_SLICE_BYTES) {
        if (offset > 0) await nextTurn();
        const slice = chunk.subarray(offset, offset + HASH_SLICE_BYTES);
        sha256.update(slice);
        blake2b512.update(slice);
      }
      size += chunk.byteLength;
      yield chunk;
    }
    finished = { size, sha256: sha256.digest("hex"), blake2b512: blake2b512.digest("hex") };
  }

  return {
    chunks: chunks(),
    digests() {
      if (finished === undefined) {
        throw new Error("the body was not read to its end, so its digests are not known");
      }
      return finished;
    },
  };
}
