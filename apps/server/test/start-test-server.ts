import { createClient, type Client } from "graphql-ws";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { pino } from "pino";

import { ensureLocalUser, type Db, type UserRow } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createTestDatabase, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { startServer, type RunningServer, type ServerOptions } from "../src/server.ts";

export interface TestServer extends RunningServer, AsyncDisposable {
  db: Db;
  redis: Redis;
  viewer: UserRow;
}

/**
 * The real server on a free port, with its own migrated database and the shared Redis.
 * `viewer` is the user every request acts as, unless `overrides.resolveViewer` says otherwise.
 */
export async function startTestServer(overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  const db = createDb({ url: await createTestDatabase(), maxConnections: 4 });
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  const viewer = await ensureLocalUser(db, "tester");
  const server = await startServer({
    db,
    redis,
    log: pino({ level: "silent" }),
    host: "127.0.0.1",
    port: 0,
    version: "test",
    resolveViewer: () => Promise.resolve(viewer),
    // Its own namespace, so rate limits and other keys never meet another test's.
    redisPrefix: uniquePrefix(),
    ...overrides,
  });
  const close = async () => {
    await server.close();
    await Promise.allSettled([db.$disconnect(), redis.quit()]);
  };
  return { ...server, db, redis, viewer, close, [Symbol.asyncDispose]: close };
}

export async function graphql<T = unknown>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** A graphql-ws client for the server's subscription endpoint, without reconnects. */
export function subscriptionClient(url: string): Client {
  return createClient({
    url: `${url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
}
