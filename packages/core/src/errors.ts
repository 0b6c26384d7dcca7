/**
 * The closed set of domain error codes. Each transport maps them in one place
 * (GraphQL: apps/server/src/graphql/format-error.ts).
 */
export type DomainErrorCode =
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "CONFLICT"
  | "CONFIG_INVALID"
  | "SCHEMA_NOT_FOUND"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED";

/** The one error type domain code throws on purpose. `details` travel to the client. */
export class DomainError extends Error {
  override readonly name = "DomainError";

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }

  readonly details: Record<string, unknown> | undefined;
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
