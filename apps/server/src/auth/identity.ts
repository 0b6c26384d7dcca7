import type { IncomingMessage } from "node:http";

import {
  findLiveApiToken,
  findLiveSession,
  SESSION_TOUCH_INTERVAL_MS,
  TOKEN_TOUCH_INTERVAL_MS,
  touchApiToken,
  touchSession,
  type DbClient,
  type UserRow,
} from "@bbos/db";

import { bearerToken } from "./api-tokens.ts";
import { sessionPolicy, type AuthOptions } from "./auth-options.ts";
import { presentsSessionCookie, readSessionToken } from "./session-cookie.ts";

/** A user, and the API token the request came with (none: a browser session). */
export type Viewer = UserRow & {
  readonly tokenScopes?: readonly string[];
  readonly tokenId?: string;
};

/**
 * Who a request acts for. This is the one place a request becomes a user: GraphQL over HTTP,
 * graphql-ws and the collab socket all pass their request (an HTTP request or a WebSocket
 * upgrade, both an IncomingMessage) here, so no transport can authenticate differently. An API
 * token (`Authorization: Bearer`) wins over a session cookie.
 */
export interface Identity {
  /** The request's user, or null when nobody is signed in (or the credentials are not valid). */
  resolveViewer: (request: IncomingMessage) => Promise<Viewer | null>;
  /**
   * Which credential the request presents that is not valid: an API token that is malformed,
   * unknown, expired or revoked, or a session cookie whose session is unknown or has ended.
   * The transports answer 401 instead of treating the request as anonymous.
   */
  refusesCredentials: (request: IncomingMessage) => Promise<RefusedCredential | null>;
  /** The user of an `Authorization` value sent another way (graphql-ws connectionParams). */
  resolveAuthorization: (authorization: string) => Promise<Viewer | null>;
}

/** A credential that was presented and is not valid. */
export type RefusedCredential = "token" | "session";

interface Resolution {
  viewer: Viewer | null;
  refused: RefusedCredential | null;
}

export function createIdentity(options: AuthOptions, db: DbClient): Identity {
  const resolveSession = sessionResolver(options, db);
  const usesTokens = options.mode !== "local";

  async function viewerOfToken(authorization: string): Promise<Resolution> {
    const token = bearerToken(authorization);
    if (token === null) return { viewer: null, refused: "token" };
    const now = new Date();
    const live = await findLiveApiToken(db, token, now);
    if (!live) return { viewer: null, refused: "token" };
    if (
      live.token.lastUsedAt === null ||
      now.getTime() - live.token.lastUsedAt.getTime() >= TOKEN_TOUCH_INTERVAL_MS
    ) {
      await touchApiToken(db, live.token.id, now);
    }
    const viewer = { ...live.user, tokenScopes: live.token.scopes, tokenId: live.token.id };
    return { viewer, refused: null };
  }

  async function resolve(request: IncomingMessage): Promise<Resolution> {
    const authorization = request.headers.authorization;
    if (usesTokens && authorization !== undefined) return viewerOfToken(authorization);
    const viewer = await resolveSession(request);
    // Sessions exist in the modes with tokens; a local installation has no cookie to refuse.
    const stale = viewer === null && usesTokens && presentsSessionCookie(request);
    return { viewer, refused: stale ? "session" : null };
  }

  // Several steps ask about one request (the rate limiter, then GraphQL or the collab socket):
  // one lookup per request, forgotten with it.
  const resolved = new WeakMap<IncomingMessage, Promise<Resolution>>();
  const resolutionOf = (request: IncomingMessage) => {
    let resolution = resolved.get(request);
    if (!resolution) {
      resolution = resolve(request);
      resolved.set(request, resolution);
    }
    return resolution;
  };
  return {
    resolveViewer: async (request) => (await resolutionOf(request)).viewer,
    refusesCredentials: async (request) => (await resolutionOf(request)).refused,
    resolveAuthorization: async (authorization) =>
      usesTokens ? (await viewerOfToken(authorization)).viewer : null,
  };
}

function sessionResolver(
  options: AuthOptions,
  db: DbClient,
): (request: IncomingMessage) => Promise<UserRow | null> {
  switch (options.mode) {
    case "local": {
      const { user } = options;
      return () => Promise.resolve(user);
    }
    case "dev":
    case "github": {
      const { idleMs } = sessionPolicy(options);
      return async (request) => {
        const token = readSessionToken(request);
        if (!token) return null;
        const now = new Date();
        const session = await findLiveSession(db, token, { idleMs, now });
        if (!session) return null;
        // Checked here too, so a busy session costs no query per request, only a write a
        // minute; touchSession's own check keeps concurrent requests to one write.
        if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
          await touchSession(db, token, now);
        }
        return session.user;
      };
    }
  }
}
