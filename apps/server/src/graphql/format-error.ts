import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";

import { isDomainError, type DomainError, type DomainErrorCode } from "@bbos/core";

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
  RATE_LIMITED: "RATE_LIMITED",
};

/** What a client sees of a domain error under `extensions`, over GraphQL and the HTTP routes. */
export function domainErrorExtensions(error: DomainError): Record<string, unknown> {
  return {
    code: codes[error.code],
    domainCode: error.code,
    ...(error.details ? { details: error.details } : {}),
  };
}

/**
 * Errors about the request itself (syntax, validation, variables, limits) pass through. Apollo
 * sets these codes over HTTP; subscription-server.ts sets the same ones over WebSocket.
 */
const requestErrorCodes = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "TOO_MANY_SUBSCRIPTIONS",
]);

/**
 * Longest message sent. Some messages repeat input unquoted (`Int cannot represent non 32-bit
 * signed integer value: 1111…`, a printed list literal), so quotes alone do not bound them.
 */
const MESSAGE_LIMIT = 512;

/**
 * A quoted string of more than 64 characters (escapes included); graphql-js repeats rejected
 * values whole in its messages, e.g. `Variable "$id" got invalid value "xxxx…(100 kB)"`.
 */
const LONG_QUOTE = /"((?:[^"\\]|\\.){64})(?:[^"\\]|\\.)+"/g;

/** graphql-js ends a message with its guesses: ` Did you mean "projects"?`. */
const SUGGESTION = / Did you mean .*\?$/s;

/**
 * Apollo's few errors about the request that come without a code (an unknown persisted-query
 * version, a hash that does not match the query) still carry the 4xx status it answers with.
 */
function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const http = error.extensions.http as { status?: unknown } | undefined;
  return typeof http?.status === "number" && http.status >= 400 && http.status < 500;
}

export interface FormatErrorOptions {
  /**
   * Drop graphql-js's "Did you mean …?" from messages: they name fields, arguments, types and enum
   * values, which is the schema introspection would give away. On whenever introspection is off.
   */
  hideSuggestions: boolean;
}

/** Maps an error to what the client sees, for HTTP (Apollo) and WebSocket (graphql-ws) alike. */
export function createFormatError(log: Logger, options: FormatErrorOptions) {
  const clean = (message: string): string => {
    const shown = (options.hideSuggestions ? message.replace(SUGGESTION, "") : message).replace(
      LONG_QUOTE,
      (_match, kept: string) => `"${kept}…"`,
    );
    return shown.length > MESSAGE_LIMIT ? `${shown.slice(0, MESSAGE_LIMIT)}…` : shown;
  };

  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Resolver errors, and errors graphql-ws or Apollo wrapped without a path (a subscription's
    // iterator that threw, a context that failed), keep what was thrown as `originalError`.
    const unwrapped = unwrapResolverError(error);
    const original =
      unwrapped instanceof GraphQLError && unwrapped.originalError
        ? unwrapped.originalError
        : unwrapped;
    if (isDomainError(original)) {
      return {
        message: clean(original.message),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: domainErrorExtensions(original),
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && requestErrorCodes.has(code)) {
      return { ...formatted, message: clean(formatted.message) };
    }
    if (isUncodedClientError(error)) {
      return { message: clean(formatted.message), extensions: { code: "BAD_REQUEST" } };
    }
    log.error({ err: original, path: formatted.path }, "unexpected error in a GraphQL operation");
    return {
      message: "Internal server error",
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}

export type FormatError = ReturnType<typeof createFormatError>;
