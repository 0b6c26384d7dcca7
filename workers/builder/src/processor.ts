import { UnrecoverableError } from "bullmq";
import type { Logger } from "pino";

import {
  BUILD_RUN_JOB,
  parseBuildRunPayload,
  type BuildJob,
  type BuildRunPayload,
} from "@bbos/queue";

/** What a {@link BuildHandler} gets besides the payload. */
export interface BuildJobContext {
  /** The BullMQ job, for `updateProgress` / `log`. */
  job: BuildJob;
  /** Aborted when the worker cancels the job (e.g. shutdown); stop work and throw. */
  signal: AbortSignal;
  /** A logger bound to this job (`jobId`, `buildId`, `attempt`). */
  log: Logger;
}

/**
 * Runs one build. Throw `UnrecoverableError` for failures a retry cannot fix; any other error is
 * retried per the job's `attempts`. Delivery is at least once (a job may run again after a crash
 * or a forced shutdown), so handlers must be idempotent.
 */
export type BuildHandler = (payload: BuildRunPayload, context: BuildJobContext) => Promise<void>;

/** A BullMQ processor for the `builds` queue. */
export type BuildProcessor = (job: BuildJob, token?: string, signal?: AbortSignal) => Promise<void>;

/**
 * Adapts a {@link BuildHandler} to BullMQ: validates the job first and fails it without retries
 * when it is malformed, since running it again cannot fix its data.
 */
export function createProcessor(handler: BuildHandler, logger: Logger): BuildProcessor {
  // Three declared parameters: BullMQ only creates an AbortSignal for processors whose
  // `length` is at least 3.
  return async (job, _token, signal) => {
    // Typed as "build.run", but Redis may hold anything a producer put on the queue.
    const name: string = job.name;
    if (name !== BUILD_RUN_JOB) {
      throw new UnrecoverableError(`unknown job name "${name}" (expected "${BUILD_RUN_JOB}")`);
    }
    let payload: BuildRunPayload;
    try {
      payload = parseBuildRunPayload(job.data);
    } catch (error) {
      // Retrying cannot fix the data, so the job fails now instead of using up its attempts.
      const unrecoverable = new UnrecoverableError(
        error instanceof Error ? error.message : String(error),
      );
      unrecoverable.cause = error;
      throw unrecoverable;
    }
    const log = logger.child({
      jobId: job.id,
      buildId: payload.buildId,
      attempt: job.attemptsMade + 1,
    });
    await handler(payload, { job, signal: signal ?? new AbortController().signal, log });
  };
}
