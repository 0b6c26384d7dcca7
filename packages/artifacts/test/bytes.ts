import { createHash } from "node:crypto";

/** `size` deterministic, non-repeating-looking bytes (so range bugs show as wrong bytes). */
export function patternBytes(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < size; index += 1) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** Yields `bytes` in chunks of `chunkSize`, awaiting a tick between them like a real stream. */
export async function* inChunks(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
    await Promise.resolve();
    yield bytes.subarray(offset, offset + chunkSize);
  }
}

/** Yields `before`, then throws, as a body whose source fails mid-way. */
export async function* failingAfter(
  before: Uint8Array,
  chunkSize: number,
): AsyncGenerator<Uint8Array> {
  yield* inChunks(before, chunkSize);
  throw new Error("source failed mid-way");
}

/** Everything a stream yields, concatenated. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function blake2b512Hex(bytes: Uint8Array): string {
  return createHash("blake2b512").update(bytes).digest("hex");
}
