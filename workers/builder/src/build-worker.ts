import { WaitingError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

import { BUILD_QUEUE, type BuildJob, type BuildJobName, type BuildRunPayload } from "@bbos/queue";

import { createProcessor, type BuildProcessor, type ProcessorDeps } from "./processor.ts";

/** The BullMQ worker consuming the `builds` queue. */
export type BuildWorker = Worker<BuildRunPayload, void, BuildJobName>;

/** Options for {@link createBuildWorker}. */
export interface BuildWorkerOptions {
  /** A `worker` connection from `createRedisConnection`; the caller quits it after shutdown. */
  connection: Redis;
  /** BullMQ key prefix; must match the producer's. */
  prefix: string;
  /** Builds run at the same time by this worker (each in its own container). */
  concurrency: number;
  /** What each build runs through; see `runBuild`. */
  build: ProcessorDeps;
  logger: Logger;
  /** Lock and stall settings; see {@link DEFAULT_LOCKS}. */
  locks?: Partial<typeof DEFAULT_LOCKS>;
}

/**
 * BullMQ lock settings. The lock is short and renewed every `lockDuration / 2` while a build runs
 * (builds last up to hours; the per-build timeout bounds them, not the lock), so a worker that
 * dies loses its jobs within seconds: the stalled-job check, every `stalledInterval` on every
 * live worker, moves them back to wait. A job that stalls more than `maxStalledCount` times is
 * failed for good (a build that keeps killing its worker should not loop), and reconciliation
 * records that on the build.
 */
export const DEFAULT_LOCKS = {
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 1,
};

/** A job this process is running, and whether shutdown has handed it back to the queue. */
interface RunningJob {
  job: BuildJob;
  token: string;
  released: boolean;
}

// Jobs each build worker is running, for `shutdownWorker`. BullMQ keeps the equivalent list
// private, and its lock token is needed to hand a job back.
const runningJobs = new WeakMap<BuildWorker, Map<string, RunningJob>>();

/**
 * Starts a worker on the `builds` queue that validates each job, runs it with `runBuild`, and
 * logs the job lifecycle. Stop it with {@link shutdownWorker}.
 */
export function createBuildWorker(options: BuildWorkerOptions): BuildWorker {
  const { connection, prefix, concurrency, logger } = options;
  const running = new Map<string, RunningJob>();
  const processor = trackRunning(createProcessor(options.build), running, logger);
  const worker = new Worker<BuildRunPayload, void, BuildJobName>(BUILD_QUEUE, processor, {
    connection,
    prefix,
    concurrency,
    ...DEFAULT_LOCKS,
    ...options.locks,
  });
  runningJobs.set(worker, running);

  worker.on("ready", () =>
    logger.info({ queue: BUILD_QUEUE, prefix, concurrency }, "worker ready: connected to Redis"),
  );
  worker.on("completed", (job) => {
    logger.info({ jobId: job.id, attemptsMade: job.attemptsMade }, "job completed");
  });
  worker.on("failed", (job, error) => {
    // `job` is undefined when a job that stalled too often was already removed by removeOnFail.
    const willRetry =
      job !== undefined &&
      error.name !== "UnrecoverableError" &&
      job.attemptsMade < (job.opts.attempts ?? 1);
    logger[willRetry ? "warn" : "error"](
      { jobId: job?.id, attemptsMade: job?.attemptsMade, willRetry, reason: error.message },
      willRetry ? "job failed; it will be retried" : "job failed",
    );
  });
  worker.on("stalled", (jobId) => {
    logger.warn({ jobId }, "job stalled: its worker lost the lock, so it went back to wait");
  });
  worker.on("lockRenewalFailed", (jobIds) => {
    logger.warn({ jobIds }, "could not renew job locks; another worker may pick these jobs up");
  });
  // Without an `error` listener an EventEmitter throws, which would crash the process on a
  // Redis hiccup that BullMQ recovers from by itself.
  worker.on("error", (error) => logger.error({ err: error }, "worker error"));
  return worker;
}

function trackRunning(
  processor: BuildProcessor,
  running: Map<string, RunningJob>,
  logger: Logger,
): BuildProcessor {
  return async (job, token, signal) => {
    // BullMQ always passes both for jobs it fetched; without them the job cannot be handed back.
    const id = job.id;
    const entry = id !== undefined && token !== undefined ? { job, token, released: false } : null;
    if (id !== undefined && entry) running.set(id, entry);
    try {
      await processor(job, token, signal);
    } catch (error) {
      if (!entry?.released) throw error;
      logger.info({ jobId: id, err: error }, "released job stopped");
    } finally {
      if (id !== undefined) running.delete(id);
    }
    // Shutdown has already moved the job back to wait; WaitingError tells BullMQ not to
    // complete or fail it, so whatever this run produced is discarded and the job runs again.
    if (entry?.released) throw new WaitingError();
  };
}

/**
 * How {@link shutdownWorker} ended:
 * - `drained`: every running job finished within the grace period; the worker is closed.
 * - `released`: jobs still running after the grace period were handed back to the queue and
 *   their recipe runners stopped when aborted; the worker is closed.
 * - `abandoned`: as `released`, but a recipe runner ignored the abort for `abortWaitMs`. Its job is
 *   back in the queue already; the worker is still closing and the caller should exit.
 */
export type ShutdownOutcome = "drained" | "released" | "abandoned";

/** Options for {@link shutdownWorker}. */
export interface ShutdownOptions {
  /**
   * After the grace period, how long to wait for aborted recipe runners to return.
   * @defaultValue 5000
   */
  abortWaitMs?: number;
}

/**
 * Stops taking jobs and waits up to `graceMs` for running jobs to finish. Jobs still running
 * after that are moved back to the wait list (their lock is released, so another worker with the
 * same prefix picks them up at once) and their recipe runners are aborted through `signal`.
 *
 * Delivery is therefore at least once: a released job runs again from the start, possibly while
 * the aborted runner is still winding down. Recipe runners must be idempotent.
 *
 * BullMQ's `worker.close(true)` is not used: once `close()` is pending it returns that same
 * promise, and a forced close leaves the job active and locked until the lock expires and a
 * stalled-job check moves it back (about a minute with default settings). `worker.disconnect()`
 * is not used either: in BullMQ 6.7 it also ends the connection the caller passed in.
 */
export async function shutdownWorker(
  worker: BuildWorker,
  graceMs: number,
  logger: Logger,
  { abortWaitMs = 5_000 }: ShutdownOptions = {},
): Promise<ShutdownOutcome> {
  const running = runningJobs.get(worker) ?? new Map<string, RunningJob>();
  logger.info({ runningJobs: running.size, graceMs }, "shutting down: waiting for running jobs");
  const closed = worker.close().catch((error: unknown) => {
    // close() reports cleanup problems through the `error` event; a rejection here still
    // means the worker is as closed as it will get.
    logger.error({ err: error }, "worker close failed");
  });

  if (running.size === 0 || (await settlesWithin(closed, graceMs))) {
    await closed;
    logger.info("worker closed; all running jobs finished");
    return "drained";
  }

  const jobIds = [...running.keys()];
  logger.warn({ jobIds, graceMs }, "grace period over: handing running jobs back to the queue");
  for (const entry of running.values()) {
    entry.released = true;
    try {
      await entry.job.moveToWait(entry.token);
    } catch (error) {
      // The job may have finished in the meantime (then there is nothing to release), or Redis
      // is unreachable (then the lock expires and another worker's stalled check recovers it).
      logger.warn({ jobId: entry.job.id, err: error }, "could not hand job back to the queue");
    }
  }
  worker.cancelAllJobs("worker shutting down");

  if (await settlesWithin(closed, abortWaitMs)) {
    logger.info({ jobIds }, "worker closed; unfinished jobs were handed back to the queue");
    return "released";
  }
  logger.warn({ jobIds, abortWaitMs }, "handlers ignored the abort; giving up on closing");
  return "abandoned";
}

/** Resolves `true` if `promise` settles within `ms`, `false` otherwise. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
