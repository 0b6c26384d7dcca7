import type { IncomingMessage } from "node:http";

import type { RequestHandler } from "express";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

import type { Logger } from "../logger.ts";

/**
 * Requests per minute, per client address and, for signed-in requests, also per user (so one
 * account cannot spread its load over many addresses); 0 turns a limit off.
 */
export interface RateLimits {
  /** GraphQL requests over HTTP per address. @defaultValue 600 */
  graphqlPerMinute: number;
  /** New WebSocket connections (every endpoint) per address. @defaultValue 60 */
  socketsPerMinute: number;
  /** GraphQL requests over HTTP per user. @defaultValue 600 */
  graphqlPerUserPerMinute?: number;
  /** New WebSocket connections per user. @defaultValue 60 */
  socketsPerUserPerMinute?: number;
  /** Sign-in attempts (dev login, GitHub redirects and callbacks) per address. @defaultValue 30 */
  signInsPerMinute?: number;
  /** Invitations, role changes and removals of members per user. @defaultValue 30 */
  membershipChangesPerMinute?: number;
  /** Project file uploads per address and per user. @defaultValue 60 */
  fileUploadsPerMinute?: number;
}

const DEFAULT_SIGN_INS_PER_MINUTE = 30;
const DEFAULT_MEMBERSHIP_CHANGES_PER_MINUTE = 30;
const DEFAULT_FILE_UPLOADS_PER_MINUTE = 60;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  graphqlPerMinute: 600,
  socketsPerMinute: 60,
  graphqlPerUserPerMinute: 600,
  socketsPerUserPerMinute: 60,
  signInsPerMinute: DEFAULT_SIGN_INS_PER_MINUTE,
};

/** A refusal: the status to answer and when the client may try again. */
export interface Refusal {
  retryAfterSeconds: number;
}

/**
 * Rate limits kept in Redis, so they hold across API nodes, keyed by the client's address (the
 * server sees the proxy's address unless Express' `trust proxy` is set) and by the signed-in
 * user (`identify`, the server's identity function). When Redis fails, a per-process limiter
 * with the same budget takes over instead of letting everything through or refusing everyone.
 */
export function createRateLimiter(options: {
  redis: Redis;
  prefix: string;
  limits: RateLimits;
  identify: (request: IncomingMessage) => Promise<{ id: string } | null>;
  log: Logger;
}) {
  const limiter = (name: string, points: number) =>
    points > 0
      ? new RateLimiterRedis({
          storeClient: options.redis,
          keyPrefix: `${options.prefix}:ratelimit:${name}`,
          points,
          duration: 60,
          insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
        })
      : null;
  const { limits } = options;
  const graphql = {
    address: limiter("graphql", limits.graphqlPerMinute),
    user: limiter("graphql-user", limits.graphqlPerUserPerMinute ?? limits.graphqlPerMinute),
  };
  const signIns = {
    address: limiter("sign-in", limits.signInsPerMinute ?? DEFAULT_SIGN_INS_PER_MINUTE),
    user: null,
  };
  const fileUploadsPerMinute = limits.fileUploadsPerMinute ?? DEFAULT_FILE_UPLOADS_PER_MINUTE;
  const fileUploads = {
    address: limiter("file-uploads", fileUploadsPerMinute),
    user: limiter("file-uploads-user", fileUploadsPerMinute),
  };
  const sockets = {
    address: limiter("sockets", limits.socketsPerMinute),
    user: limiter("sockets-user", limits.socketsPerUserPerMinute ?? limits.socketsPerMinute),
  };
  const membershipChanges = limiter(
    "membership-changes",
    limits.membershipChangesPerMinute ?? DEFAULT_MEMBERSHIP_CHANGES_PER_MINUTE,
  );

  function consume(
    which: { address: RateLimiterRedis | null; user: RateLimiterRedis | null },
    request: IncomingMessage,
  ): Promise<Refusal | null> {
    return refusalOf(async () => {
      await which.address?.consume(request.socket.remoteAddress ?? "unknown");
      if (which.user) {
        const user = await options.identify(request);
        if (user) await which.user.consume(user.id);
      }
    });
  }

  /** Null when `take` got its points; a refusal when a limit is used up. */
  async function refusalOf(take: () => Promise<void>): Promise<Refusal | null> {
    try {
      await take();
      return null;
    } catch (result) {
      if (result instanceof RateLimiterRes) {
        return { retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
      }
      // Both stores failed; a limiter must not take the API down with it.
      options.log.warn({ err: result }, "rate limiter unavailable; request let through");
      return null;
    }
  }

  /** Express middleware answering 429 in GraphQL's error shape, as every JSON route does. */
  const middleware = (which: Parameters<typeof consume>[0]): RequestHandler =>
    ((req, res, next) => {
      consume(which, req).then(
        (refusal) => {
          if (!refusal) {
            next();
            return;
          }
          res.setHeader("Retry-After", String(refusal.retryAfterSeconds));
          res.status(429).json({
            errors: [
              {
                message: `too many requests; retry in ${refusal.retryAfterSeconds} s`,
                extensions: { code: "RATE_LIMITED" },
              },
            ],
          });
        },
        (error: unknown) => next(error),
      );
    }) satisfies RequestHandler;

  return {
    /** For GraphQL over HTTP, per address and per user. */
    graphql: middleware(graphql),
    /** For the sign-in routes, per address (nobody is signed in yet). */
    signIns: middleware(signIns),
    /** For project file uploads, per address and per user. */
    fileUploads: middleware(fileUploads),
    /** For WebSocket upgrades; null admits the connection. */
    socket: (request: IncomingMessage) => consume(sockets, request),
    /** For a change of a project's members by this user; null lets it through. */
    membershipChange: (userId: string) =>
      refusalOf(async () => {
        await membershipChanges?.consume(userId);
      }),
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
