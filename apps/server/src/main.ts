import { Redis } from "ioredis";

import { ensureLocalUser } from "@bbos/db";
import { createDb } from "@bbos/db/client";

import { readServerEnv, type Env } from "./env.ts";
import { createLogger } from "./logger.ts";
import { startServer } from "./server.ts";

function readEnv(): Env {
  try {
    return readServerEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

const env = readEnv();
const log = createLogger(env.LOG_LEVEL);
const db = createDb({ url: env.DATABASE_URL });
const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
redis.on("error", (error) => log.warn({ err: error }, "redis connection error"));

try {
  await redis.connect();
  // Local mode: every request acts as one user, created by the seed or here on first start.
  const viewer = await ensureLocalUser(db, env.LOCAL_USER_LOGIN);
  const server = await startServer({
    db,
    redis,
    log,
    host: env.HOST,
    port: env.PORT,
    version: env.npm_package_version,
    webDist: env.WEB_DIST,
    introspection: env.GRAPHQL_INTROSPECTION,
    redisPrefix: env.REDIS_PREFIX,
    resolveViewer: () => Promise.resolve(viewer),
  });
  const shutdown = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await server.close();
    await Promise.allSettled([db.$disconnect(), redis.quit()]);
    process.exit(0);
  };
  process.once("SIGTERM", (signal) => void shutdown(signal));
  process.once("SIGINT", (signal) => void shutdown(signal));
} catch (error) {
  log.fatal({ err: error }, "server failed to start");
  await Promise.allSettled([db.$disconnect(), redis.quit()]);
  process.exit(1);
}
