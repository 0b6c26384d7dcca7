import { InvalidRangeError } from "../../errors.ts";
import type { ByteRange } from "../object-store.ts";

/**
 * Checks the shape of a range before any storage is touched: safe integers,
 * `0 <= start <= end`.
 *
 * @throws InvalidRangeError otherwise.
 */
export function assertByteRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new InvalidRangeError(
      `invalid byte range ${JSON.stringify({ start, end })}: need integers with 0 <= start <= end`,
    );
  }
}

/**
 * The range clamped to an object of `size` bytes (`end` past the last byte becomes the last
 * byte), as HTTP and S3 do.
 *
 * @throws InvalidRangeError when `start` is at or past the end (any range of an empty object).
 */
export function clampByteRange(range: ByteRange, size: number): ByteRange {
  if (range.start >= size) {
    throw new InvalidRangeError(
      `byte range starts at ${range.start}, but the object has ${size} bytes`,
      size,
    );
  }
  return { start: range.start, end: Math.min(range.end, size - 1) };
}
