// Entry point of the builder process: reads the environment, starts the BullMQ worker on the
// `builds` queue, and stops it gracefully on SIGTERM/SIGINT (see `shutdownWorker`).
import { pino } from "pino";

import { BUILD_QUEUE, createRedisConnection } from "@bbos/queue";

import { createBuildWorker, shutdownWorker } from "./build-worker.ts";
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

  const connection = createRedisConnection(env.REDIS_URL, { role: "worker" });
  // ioredis reconnects by itself; without a listener it would print "Unhandled error event".
  connection.on("error", (error) => logger.warn({ err: error }, "redis connection error"));

  const worker = createBuildWorker({
    connection,
    prefix: env.REDIS_PREFIX,
    concurrency: env.BUILDER_CONCURRENCY,
    // No recipe runner exists yet (the Docker executor comes later), so builds fail, saying why.
    runner: null,
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
    const outcome = await shutdownWorker(worker, env.BUILDER_SHUTDOWN_GRACE_MS, logger);
    if (outcome === "abandoned") connection.disconnect();
    else await connection.quit();
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

  await worker.waitUntilReady();
  logger.info(
    { queue: BUILD_QUEUE, prefix: env.REDIS_PREFIX, concurrency: env.BUILDER_CONCURRENCY },
    "builder ready",
  );
  logger.warn(
    "no recipe runner is configured on this worker: every build.run job fails at once, " +
      "without retries, until the Docker recipe runner is added",
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
