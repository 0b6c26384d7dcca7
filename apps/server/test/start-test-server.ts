import { createClient, type Client } from "graphql-ws";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { pino } from "pino";

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createFileObjectStore, generateSigningKey } from "@bbos/artifacts";
import {
  ensureLocalUser,
  newSecretKeyRingText,
  parseSecretKeyRing,
  type Db,
  type UserRow,
} from "@bbos/db";
import { builderImageId } from "@bbos/recipes";
import { createDb } from "@bbos/db/client";
import { createTestDatabase, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import {
  startServer,
  type BuildOptions,
  type RunningServer,
  type ServerOptions,
} from "../src/server.ts";
import { testRecipes } from "./test-recipes.ts";

/** One signing key for every test server of a file, as one installation has. */
const signingKey = generateSigningKey();

/** One key ring for the secret config fields of every test server and worker of a file. */
export const testSecretKeyRing = parseSecretKeyRing(newSecretKeyRingText("test"));

/**
 * Build settings of a test installation: the tests' recipes, artifacts in a new temporary
 * folder, a generated signing key.
 */
export async function testBuildOptions(): Promise<BuildOptions> {
  return {
    recipes: testRecipes,
    builderImageId: builderImageId(),
    store: createFileObjectStore({ root: await mkdtemp(join(tmpdir(), "bbos-artifacts-")) }),
    signingKey,
    developmentKey: true,
  };
}

export interface TestServer extends RunningServer, AsyncDisposable {
  db: Db;
  redis: Redis;
  viewer: UserRow;
}

/**
 * The real server on a free port, with its own migrated database and the shared Redis.
 * `viewer` ("tester") is the user every request acts as, unless `overrides.auth` says otherwise
 * (`{ mode: "dev" }`: nobody is signed in until `signIn`). With `overrides.db` the server uses
 * that database (another server's, a private PostgreSQL's) and leaves closing it to its owner.
 */
export async function startTestServer(overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  const ownsDb = overrides.db === undefined;
  const db = overrides.db ?? createDb({ url: await createTestDatabase(), maxConnections: 4 });
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  const viewer = await ensureLocalUser(db, "tester");
  const server = await startServer({
    db,
    redis,
    log: pino({ level: "silent" }),
    host: "127.0.0.1",
    port: 0,
    version: "test",
    auth: { mode: "local", user: viewer },
    // Its own namespace, so rate limits and other keys never meet another test's.
    redisPrefix: uniquePrefix(),
    builds: overrides.builds ?? (await testBuildOptions()),
    secrets: testSecretKeyRing,
    ...overrides,
  });
  const close = async () => {
    await server.close();
    await Promise.allSettled([ownsDb ? db.$disconnect() : undefined, redis.quit()]);
  };
  return { ...server, db, redis, viewer, close, [Symbol.asyncDispose]: close };
}

/** What a test request sends besides its body. */
export interface RequestOptions {
  /** The Cookie header, e.g. from {@link signIn}. */
  cookie?: string;
}

export async function graphql<T = unknown>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<{
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/**
 * Signs in through the development login (a server started with `auth: { mode: "dev" }`) and
 * returns the Cookie header value that carries the new session.
 */
export async function signIn(
  url: string,
  login: string,
  options: RequestOptions = {},
): Promise<string> {
  const response = await fetch(`${url}/auth/dev/login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    },
    body: JSON.stringify({ login }),
  });
  if (response.status !== 200) {
    throw new Error(`dev login as ${login} answered ${response.status}: ${await response.text()}`);
  }
  const setCookie = response.headers
    .getSetCookie()
    .find((line) => line.startsWith("bbos_session="));
  if (!setCookie) throw new Error(`dev login as ${login} set no session cookie`);
  // The name=value pair is what a browser sends back; the attributes stay behind.
  return setCookie.split(";", 1)[0] ?? "";
}

/**
 * A graphql-ws client for the server's subscription endpoint, without reconnects. With a
 * `cookie`, the upgrade request carries it, as a browser's would.
 */
export function subscriptionClient(url: string, options: RequestOptions = {}): Client {
  const { cookie } = options;
  // graphql-ws constructs the socket itself (new impl(url, protocol)); ws takes headers only as
  // a constructor option, so a subclass adds them.
  const webSocketImpl =
    cookie === undefined
      ? WebSocket
      : class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers: { cookie } });
          }
        };
  return createClient({
    url: `${url.replace("http", "ws")}/graphql`,
    webSocketImpl,
    retryAttempts: 0,
  });
}
