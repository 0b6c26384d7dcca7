import { Redis } from "ioredis";

import { openArtifactStorage } from "@bbos/artifacts";
import { builderImageId, productRecipes } from "@bbos/recipes";

import { ensureLocalUser, openSecretKeyRing } from "@bbos/db";
import { createDb } from "@bbos/db/client";

import type { AuthOptions } from "./auth/auth-options.ts";
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

async function authOptions(): Promise<AuthOptions> {
  switch (env.AUTH_MODE) {
    case "local":
      // Every request acts as one user, created by the seed or here on first start.
      return { mode: "local", user: await ensureLocalUser(db, env.LOCAL_USER_LOGIN) };
    case "dev":
      // Not Secure: env.ts refuses the development login with NODE_ENV=production, so it runs on
      // development machines, usually over plain http://, where a Secure cookie would never be
      // sent back.
      return { mode: "dev", secureCookies: false };
    case "github":
      return {
        mode: "github",
        // env.ts has made sure both are set in this mode.
        clientId: env.GITHUB_CLIENT_ID ?? "",
        clientSecret: env.GITHUB_CLIENT_SECRET ?? "",
        callbackUrl: `${env.PUBLIC_URL}/auth/github/callback`,
        githubUrl: env.GITHUB_URL,
        apiUrl: env.GITHUB_API_URL,
        allowedOrgs: env.GITHUB_ALLOWED_ORGS,
        allowedTeams: env.GITHUB_ALLOWED_TEAMS,
        secureCookies: env.PUBLIC_URL.startsWith("https://"),
      };
  }
}

try {
  await redis.connect();
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
    auth: await authOptions(),
    allowedOrigins: env.ALLOWED_ORIGINS,
    collabLimits: { maxMessageBytes: env.COLLAB_MAX_MESSAGE_BYTES },
    maxProjectFileBytes: env.PROJECT_FILE_MAX_BYTES,
    builds: {
      recipes: productRecipes,
      builderImageId: builderImageId(),
      ...(await openArtifactStorage(env, (message) => log.warn(message))),
    },
    secrets: await openSecretKeyRing(env, (message) => log.warn(message)),
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
