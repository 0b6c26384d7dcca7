import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";

import { isDomainError, type DomainErrorCode } from "@bbos/core";

import type { Logger } from "../logger.ts";

/** Domain error code → GraphQL `extensions.code`, the one table for this transport. */
const codes: Record<DomainErrorCode, string> = {
  BAD_INPUT: "BAD_USER_INPUT",
  CONFIG_INVALID: "BAD_USER_INPUT",
  SCHEMA_NOT_FOUND: "NOT_FOUND",
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
};

/** Errors GraphQL itself reports about the request (syntax, validation, variables) pass through. */
const requestErrorCodes = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * A quoted string of more than 64 characters (escapes included); graphql-js repeats rejected
 * values whole in its messages, e.g. `Variable "$id" got invalid value "xxxx…(100 kB)"`.
 */
const LONG_QUOTE = /"((?:[^"\\]|\\.){64})(?:[^"\\]|\\.)+"/g;

/** Keeps the first 64 characters of every long quoted string in `message`. */
function shortenQuoted(message: string): string {
  return message.replace(LONG_QUOTE, (_match, kept: string) => `"${kept}…"`);
}

export function createFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isDomainError(original)) {
      return {
        message: original.message,
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: {
          code: codes[original.code],
          domainCode: original.code,
          ...(original.details ? { details: original.details } : {}),
        },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && requestErrorCodes.has(code)) {
      return { ...formatted, message: shortenQuoted(formatted.message) };
    }
    log.error({ err: original, path: formatted.path }, "unexpected error in a GraphQL operation");
    return {
      message: "Internal server error",
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}
