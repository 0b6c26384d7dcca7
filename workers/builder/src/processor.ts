import { UnrecoverableError } from "bullmq";

import {
  BUILD_RUN_JOB,
  parseBuildRunPayload,
  type BuildJob,
  type BuildRunPayload,
} from "@bbos/queue";

import { PermanentBuildError } from "./permanent-build-error.ts";
import { runBuild, type BuildLogPort, type ProgressPort, type RecipeRunner } from "./run-build.ts";

/** A BullMQ processor for the `builds` queue. */
export type BuildProcessor = (job: BuildJob, token?: string, signal?: AbortSignal) => Promise<void>;

/**
 * Adapts {@link runBuild} to BullMQ: validates the job first and fails it without retries when it
 * is malformed, since running it again cannot fix its data; gives the build the job's progress
 * and log as ports; and fails the job without retries on a {@link PermanentBuildError}.
 */
export function createProcessor(runner: RecipeRunner | null): BuildProcessor {
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
      throw unrecoverable(error);
    }
    try {
      await runBuild(payload, {
        runner,
        progress: jobProgress(job),
        log: jobLog(job),
        signal: signal ?? new AbortController().signal,
      });
    } catch (error) {
      throw error instanceof PermanentBuildError ? unrecoverable(error) : error;
    }
  };
}

// Progress is stored on the job and published as its `progress` event.
function jobProgress(job: BuildJob): ProgressPort {
  return { report: (stage, fraction) => job.updateProgress({ stage, fraction }) };
}

// Lines go to the job's log list in Redis, which BullMQ keeps with the job.
function jobLog(job: BuildJob): BuildLogPort {
  return {
    append: async (line) => {
      await job.log(line);
    },
  };
}

function unrecoverable(error: unknown): UnrecoverableError {
  const unrecoverable = new UnrecoverableError(
    error instanceof Error ? error.message : String(error),
  );
  unrecoverable.cause = error;
  return unrecoverable;
}
