import type { Readable } from "node:stream";

/**
 * What `put` stored: the key, and the size and digests of exactly the bytes stored, all
 * computed in the single pass that stored them.
 */
export interface StoredObject {
  key: string;
  /** Bytes stored. */
  size: number;
  /** Lowercase hex SHA-256 of the bytes (for `SHA256SUMS` and provenance subjects). */
  sha256: string;
  /** Lowercase hex BLAKE2b-512 of the bytes (what a prehashed minisign signature signs). */
  blake2b512: string;
}

/** Options for {@link ObjectStore.put}. */
export interface PutObjectOptions {
  /**
   * MIME type stored with the object where the backend keeps one (S3); the file-system store
   * keeps none, and its server decides the type at download time.
   * @defaultValue none (S3 then answers `binary/octet-stream`)
   */
  contentType?: string;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  /** Offset of the first byte, 0-based. */
  start: number;
  /** Offset of the last byte, inclusive; past the end of the object it is clamped to the end. */
  end: number;
}

/** Options for {@link ObjectStore.presignedGetUrl}. */
export interface PresignedGetOptions {
  /** Lifetime of the URL, 1 s to 7 days (the SigV4 maximum). */
  expiresInSeconds: number;
  /** File name the browser saves the download as (`Content-Disposition: attachment`). */
  filename: string;
}

/** A body for {@link ObjectStore.put}: chunks of bytes, read once, in order. */
export type ObjectBody = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/**
 * Object storage for build artifacts: a flat namespace of keys (see `assertObjectKey`) holding
 * immutable byte strings. Adapters: `createFileObjectStore` (default, one directory) and
 * `createS3ObjectStore`. Every method validates the key before touching storage and throws
 * `InvalidObjectKeyError` for a bad one.
 *
 * Deliberately not in the contract: listing, metadata beyond size, versioning, and any
 * ordering between concurrent writers of one key (the last rename or upload to finish wins).
 */
export interface ObjectStore {
  /**
   * Streams `body` into `key` and returns its size, SHA-256 and BLAKE2b-512, computed while
   * storing (the body is never held in memory whole; S3 holds a few upload parts).
   *
   * Atomic: an existing object is replaced only when the new one is complete, so readers see
   * the old bytes or the new ones, never a mix. A put that fails (the body throws, storage
   * fails) leaves nothing behind and the old object, if any, in place. A body that yields
   * strings (a stream with an encoding set) is refused: objects are bytes.
   */
  put(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<StoredObject>;

  /** The object's size, or `null` when the key holds no object. */
  stat(key: string): Promise<{ size: number } | null>;

  /**
   * A stream of the object's bytes, or of `range` of them. The stream is opened before the
   * promise resolves, so a missing object is reported here, not as a stream error.
   *
   * @throws ObjectNotFoundError when the key holds no object.
   * @throws InvalidRangeError when the range is malformed (not integers, `end < start`) or
   *   starts at or past the end of the object (so any range of an empty object).
   */
  read(key: string, range?: ByteRange): Promise<Readable>;

  /**
   * Deletes every object whose key starts with `prefix` (plain string prefix, as S3 does it:
   * `builds/4` also matches `builds/42/x`, so end with `/` to mean one folder) and returns how
   * many were deleted. Objects written under the prefix while it runs may survive.
   *
   * @throws InvalidObjectKeyError for an empty prefix or one no valid key could start with.
   */
  deletePrefix(prefix: string): Promise<number>;

  /**
   * A URL that lets anyone holding it GET the object until it expires, answered with
   * `Content-Disposition: attachment; filename=…`; or `null` when the backend cannot presign
   * (the file-system store: the server streams those files itself). Does not check that the
   * object exists.
   */
  presignedGetUrl(key: string, options: PresignedGetOptions): Promise<string | null>;
}
