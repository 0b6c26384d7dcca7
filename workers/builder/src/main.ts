// Entry point of the builder process: reads the environment, starts the BullMQ worker on the
// `builds` queue, and stops it gracefully on SIGTERM/SIGINT (see `shutdownWorker`).
import { pino } from "pino";

import { BUILD_QUEUE, createRedisConnection } from "@bbos/queue";

import { createBuildWorker, shutdownWorker } from "./build-worker.ts";
import { loadEnv, type BuilderEnv } from "./env.ts";
import { failWithoutRecipeRunner } from "./no-recipe-runner.ts";

function readEnvOrExit(): BuilderEnv {
  try {
    return loadEnv();
  } catch (error) {
    // Boot-time misconfiguration: print the list of problems for the operator and stop.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const env = readEnvOrExit();
  const logger = pino({ name: "builder", level: env.logLevel });

  const connection = createRedisConnection(env.redisUrl, { role: "worker" });
  // ioredis reconnects by itself; without a listener it would print "Unhandled error event".
  connection.on("error", (error) => logger.warn({ err: error }, "redis connection error"));

  const worker = createBuildWorker({
    connection,
    prefix: env.prefix,
    concurrency: env.concurrency,
    handler: failWithoutRecipeRunner,
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
    logger.info({ signal, graceMs: env.shutdownGraceMs }, "shutdown requested");
    const outcome = await shutdownWorker(worker, env.shutdownGraceMs, logger);
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
    { queue: BUILD_QUEUE, prefix: env.prefix, concurrency: env.concurrency },
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
