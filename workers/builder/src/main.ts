// Entry point of the builder process: reads the environment, opens PostgreSQL, the Docker engine
// and artifact storage, starts the build worker (see builder.ts), and stops it gracefully on
// SIGTERM/SIGINT (see `shutdownWorker`).
import { pino } from "pino";

import { openArtifactStorage } from "@bbos/artifacts";
import { openSecretKeyRing } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { productRecipes } from "@bbos/recipes";

import { startBuilder } from "./builder.ts";
import { createDocker, describeEngine } from "./docker/index.ts";
import { readBuilderEnv, type BuilderEnv } from "./env.ts";

function readEnvOrExit(): BuilderEnv {
  try {
    return readBuilderEnv();
  } catch (error) {
    // Boot-time misconfiguration: print the list of problems for the operator and stop.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const env = readEnvOrExit();
  const logger = pino({ name: "builder", level: env.LOG_LEVEL });
  const docker = createDocker(env.DOCKER_HOST);
  // The engine is a precondition: say which one and what it is, or why it cannot be reached.
  const engine = await describeEngine(docker);
  logger.info({ engine }, "Docker engine answers");
  const storage = await openArtifactStorage(env, (message) => logger.warn(message));
  const db = createDb({ url: env.DATABASE_URL });

  const builder = await startBuilder({
    db,
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    docker,
    recipes: productRecipes,
    store: storage.store,
    signingKey: storage.signingKey,
    secrets: await openSecretKeyRing(env, (message) => logger.warn(message)),
    workRoot: env.BUILDER_WORK_DIR,
    cache: { dir: env.BUILDER_CACHE_DIR, limitMiB: env.BUILDER_CACHE_GB * 1024 },
    allowPrivileged: env.BUILDER_ALLOW_PRIVILEGED,
    concurrency: env.BUILDER_CONCURRENCY,
    limits: { cpus: env.BUILDER_CPUS, memoryBytes: env.BUILDER_MEMORY_MB * 1024 * 1024 },
    timeoutMs: env.BUILDER_TIMEOUT_MINUTES * 60_000,
    ...(env.DEBIAN_MIRROR ? { mirror: env.DEBIAN_MIRROR } : {}),
    ...(env.DEBIAN_SECURITY_MIRROR ? { securityMirror: env.DEBIAN_SECURITY_MIRROR } : {}),
    logger,
  });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      // A second signal means "now": running jobs stay locked until their lock expires, then
      // another worker's stalled-job check picks them up.
      logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: env.BUILDER_SHUTDOWN_GRACE_MS }, "shutdown requested");
    const outcome = await builder.close(env.BUILDER_SHUTDOWN_GRACE_MS);
    await db.$disconnect();
    logger.info({ outcome }, "builder stopped");
    process.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      stop(signal).catch((error: unknown) => {
        logger.fatal({ err: error }, "shutdown failed");
        process.exit(1);
      });
    });
  }
  logger.info(
    {
      workerId: builder.workerId,
      prefix: env.REDIS_PREFIX,
      concurrency: env.BUILDER_CONCURRENCY,
      recipes: productRecipes.map((recipe) => recipe.id),
    },
    "builder ready",
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
