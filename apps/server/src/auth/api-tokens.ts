// API tokens for scripts and CI: `Authorization: Bearer bbos_…` on GraphQL over HTTP, the
// graphql-ws `connectionParams.authorization`, the collab socket's upgrade and downloads. A token
// acts as the user who made it, within its scopes, until it expires or is revoked.
import { randomBytes } from "node:crypto";

/** What a token may do, least first: each scope includes the ones before it. */
const API_TOKEN_SCOPES = ["READ", "BUILD", "ADMIN"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

const TOKEN_PREFIX = "bbos_";
/** 32 random bytes in base64url after the prefix: 48 characters in all. */
const TOKEN_SHAPE = /^bbos_[A-Za-z0-9_-]{43}$/;
/** Kept in the clear to tell a user's tokens apart: "bbos_" and four more characters. */
export const TOKEN_PREFIX_LENGTH = 9;

export function createTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** The token of an `Authorization: Bearer bbos_…` value; null for anything else. */
export function bearerToken(authorization: string): string | null {
  const token = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1] ?? "";
  return TOKEN_SHAPE.test(token) ? token : null;
}

/** Whether scopes `granted` (stored strings) include `needed`. */
export function scopeAllows(granted: readonly string[], needed: ApiTokenScope): boolean {
  const rank = API_TOKEN_SCOPES.indexOf(needed);
  return granted.some((scope) => API_TOKEN_SCOPES.indexOf(scope as ApiTokenScope) >= rank);
}
