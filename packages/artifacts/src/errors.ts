/**
 * The closed set of error codes this package throws on purpose. A transport maps them in one
 * place (for downloads: `OBJECT_NOT_FOUND` → 404, `INVALID_RANGE` → 416, `INVALID_OBJECT_KEY` →
 * 400; the `SIGNING_KEY_*` codes are configuration errors that stop a process at boot).
 */
export type ArtifactErrorCode =
  | "OBJECT_NOT_FOUND"
  | "INVALID_OBJECT_KEY"
  | "INVALID_RANGE"
  | "INVALID_INPUT"
  | "SIGNING_KEY_INVALID"
  | "SIGNING_KEY_UNAVAILABLE";

/** Base class of every error this package throws on purpose; switch on `code`. */
export class ArtifactError extends Error {
  override readonly name: string = "ArtifactError";

  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** `read` of a key that holds no object. */
export class ObjectNotFoundError extends ArtifactError {
  override readonly name = "ObjectNotFoundError";

  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super("OBJECT_NOT_FOUND", `object not found: ${key}`, options);
  }
}

/**
 * A key (or key prefix) that breaks the key rules (see `assertObjectKey`). Thrown before any
 * storage is touched.
 */
export class InvalidObjectKeyError extends ArtifactError {
  override readonly name = "InvalidObjectKeyError";

  constructor(
    /** The offending key, JSON-quoted and cut to 100 characters so it is safe to log. */
    readonly quotedKey: string,
    reason: string,
  ) {
    super("INVALID_OBJECT_KEY", `invalid object key ${quotedKey}: ${reason}`);
  }
}

/** A byte range that is malformed or starts at or past the end of the object. */
export class InvalidRangeError extends ArtifactError {
  override readonly name = "InvalidRangeError";

  constructor(
    message: string,
    /** The object's size when known (for a `Content-Range: bytes *\/size` answer). */
    readonly size?: number,
  ) {
    super("INVALID_RANGE", message);
  }
}

/**
 * A signing key that cannot be used: unreadable file (`SIGNING_KEY_UNAVAILABLE`), or a file that
 * is not an unencrypted minisign Ed25519 secret key (`SIGNING_KEY_INVALID`).
 */
export class SigningKeyError extends ArtifactError {
  override readonly name = "SigningKeyError";

  constructor(
    code: "SIGNING_KEY_INVALID" | "SIGNING_KEY_UNAVAILABLE",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Quotes an untrusted string for an error message: JSON escapes, at most 100 characters. */
export function quoteForMessage(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}
