import type { IncomingMessage } from "node:http";

import {
  findLiveSession,
  SESSION_TOUCH_INTERVAL_MS,
  touchSession,
  type DbClient,
  type UserRow,
} from "@bbos/db";

import { sessionPolicy, type AuthOptions } from "./auth-options.ts";
import { readSessionToken } from "./session-cookie.ts";

/**
 * Who a request acts for. This is the one place a request becomes a user: GraphQL over HTTP,
 * graphql-ws and the collab socket all pass their request (an HTTP request or a WebSocket
 * upgrade, both an IncomingMessage) here, so no transport can authenticate differently.
 */
export interface Identity {
  /** The request's user, or null when nobody is signed in (or the session has ended). */
  resolveViewer: (request: IncomingMessage) => Promise<UserRow | null>;
}

export function createIdentity(options: AuthOptions, db: DbClient): Identity {
  const resolve = resolverFor(options, db);
  // Several steps ask about one request (the rate limiter, then GraphQL or the collab socket):
  // one lookup per request, forgotten with it.
  const resolved = new WeakMap<IncomingMessage, Promise<UserRow | null>>();
  return {
    resolveViewer(request) {
      let viewer = resolved.get(request);
      if (!viewer) {
        viewer = resolve(request);
        resolved.set(request, viewer);
      }
      return viewer;
    },
  };
}

function resolverFor(
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
