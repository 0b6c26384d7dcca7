import { InvalidObjectKeyError, quoteForMessage } from "../errors.ts";

/** Longest key accepted, in characters (S3 allows 1024 bytes; file systems are the tighter limit). */
const MAX_OBJECT_KEY_LENGTH = 512;

const SEGMENT = /^[A-Za-z0-9._-]+$/;
const PREFIX_CHARS = /^[A-Za-z0-9._/-]+$/;

/**
 * Checks that `key` is a valid object key, the same for every adapter:
 *
 * - a relative path of `/`-separated segments, each one or more of `[A-Za-z0-9._-]`;
 * - no `.` or `..` segment, no empty segment (so no leading, trailing or doubled `/`);
 * - at most 512 characters.
 *
 * So a key can never name a path outside the store's root, whatever the adapter.
 *
 * @throws InvalidObjectKeyError naming the rule that failed.
 */
export function assertObjectKey(key: unknown): asserts key is string {
  if (typeof key !== "string") {
    throw new InvalidObjectKeyError(String(key), "a key must be a string");
  }
  assertLength(key);
  for (const segment of key.split("/")) {
    if (segment === "") {
      throw new InvalidObjectKeyError(
        quoteForMessage(key),
        "empty segment (a key is relative and has no leading, trailing or doubled '/')",
      );
    }
    assertSegment(key, segment);
  }
}

/** Whether `name` is a valid single key segment (so not a temporary or foreign file name). */
export function isKeySegment(name: string): boolean {
  return SEGMENT.test(name) && name !== "." && name !== "..";
}

/**
 * Checks a prefix for `deletePrefix`: the start of some valid key, so `builds/42/` or
 * `builds/42/image.` but not `""` (which would mean every object), `/abs`, `a//b` or `../x`.
 * The last segment may be empty (a prefix ending in `/`) or partial; every complete segment
 * follows the key rules.
 *
 * @throws InvalidObjectKeyError naming the rule that failed.
 */
export function assertKeyPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== "string") {
    throw new InvalidObjectKeyError(String(prefix), "a key prefix must be a string");
  }
  if (prefix === "") {
    throw new InvalidObjectKeyError('""', "a key prefix must not be empty (that is every object)");
  }
  assertLength(prefix);
  if (!PREFIX_CHARS.test(prefix)) {
    throw new InvalidObjectKeyError(
      quoteForMessage(prefix),
      "only letters, digits, '.', '_', '-' and '/' are allowed",
    );
  }
  const segments = prefix.split("/");
  segments.pop(); // the last one may be partial or empty: it only filters names
  for (const segment of segments) {
    if (segment === "") {
      throw new InvalidObjectKeyError(
        quoteForMessage(prefix),
        "empty segment (a prefix is relative and has no leading or doubled '/')",
      );
    }
    assertSegment(prefix, segment);
  }
}

function assertLength(key: string): void {
  if (key.length === 0) {
    throw new InvalidObjectKeyError('""', "a key must not be empty");
  }
  if (key.length > MAX_OBJECT_KEY_LENGTH) {
    throw new InvalidObjectKeyError(
      quoteForMessage(key),
      `longer than ${MAX_OBJECT_KEY_LENGTH} characters (${key.length})`,
    );
  }
}

function assertSegment(key: string, segment: string): void {
  if (segment === "." || segment === "..") {
    throw new InvalidObjectKeyError(quoteForMessage(key), `'${segment}' segments are not allowed`);
  }
  if (!SEGMENT.test(segment)) {
    throw new InvalidObjectKeyError(
      quoteForMessage(key),
      "only letters, digits, '.', '_' and '-' are allowed in a segment",
    );
  }
}
