import { Queue, type Job } from "bullmq";
import type { Redis } from "ioredis";

import { parseBuildRunPayload, type BuildRunPayload } from "./build-run-payload.ts";
import { BUILD_QUEUE, BUILD_RUN_JOB, type BuildJobName } from "./names.ts";

/** The `builds` queue, typed with its payload and job name. */
export type BuildQueue = Queue<BuildRunPayload, void, BuildJobName>;

/** A `build.run` job as seen by producers and workers. */
export type BuildJob = Job<BuildRunPayload, void, BuildJobName>;

/** Options for {@link createBuildQueue}. */
export interface BuildQueueOptions {
  /**
   * BullMQ key prefix. Workers must use the same one to see the jobs.
   * @defaultValue `"bull"` (BullMQ's default)
   */
  prefix?: string;
}

/**
 * Creates a producer handle on the `builds` queue. Use a `producer` connection from
 * `createRedisConnection`; close the queue before quitting the connection.
 */
export function createBuildQueue(connection: Redis, options: BuildQueueOptions = {}): BuildQueue {
  return new Queue<BuildRunPayload, void, BuildJobName>(BUILD_QUEUE, {
    connection,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });
}

/** Per-call overrides for {@link enqueueBuild}. */
export interface EnqueueBuildOptions {
  /**
   * How many times the job runs before it is failed for good; only transient errors are
   * retried, an `UnrecoverableError` fails the job at once.
   * @defaultValue 3
   */
  attempts?: number;
  /**
   * First retry delay; each further retry doubles it (exponential backoff).
   * @defaultValue 10000
   */
  backoffDelayMs?: number;
  /**
   * Higher runs first, from -100 to 100 (BullMQ's own priorities run the other way).
   * @defaultValue 0
   */
  priority?: number;
}

/** The largest {@link EnqueueBuildOptions.priority}, in either direction. */
export const MAX_BUILD_PRIORITY = 100;

// Finished jobs are kept for inspection, but not forever: BullMQ keeps them until told
// otherwise, and Redis holds them in memory. Postgres is the record of builds.
const KEEP_COMPLETED = { age: 24 * 60 * 60, count: 1_000 };
const KEEP_FAILED = { age: 7 * 24 * 60 * 60, count: 5_000 };

/**
 * Adds a `build.run` job for `payload.buildId`, after validating the payload.
 *
 * Idempotent: the job id is the build id, so enqueueing the same build again while its job is
 * still kept (waiting, active, delayed, or finished and not yet removed) returns the existing job
 * and adds nothing. Each run of a build therefore needs its own build id.
 *
 * @throws Error if the payload is invalid (see `parseBuildRunPayload`).
 */
export async function enqueueBuild(
  queue: BuildQueue,
  payload: BuildRunPayload,
  options: EnqueueBuildOptions = {},
): Promise<BuildJob> {
  const data = parseBuildRunPayload(payload);
  const priority = options.priority ?? 0;
  if (!Number.isInteger(priority) || Math.abs(priority) > MAX_BUILD_PRIORITY) {
    throw new RangeError(`priority must be a whole number from -100 to 100, got ${priority}`);
  }
  return queue.add(BUILD_RUN_JOB, data, {
    jobId: data.buildId,
    // BullMQ runs priority 1 first; 0 would mean "no priority" and run before every other.
    priority: MAX_BUILD_PRIORITY + 1 - priority,
    attempts: options.attempts ?? 3,
    backoff: { type: "exponential", delay: options.backoffDelayMs ?? 10_000 },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  });
}
