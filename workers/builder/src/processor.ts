import { UnrecoverableError } from "bullmq";

import { isBuildId, transition } from "@bbos/core/build";
import { changeBuild } from "@bbos/db";
import { BUILD_RUN_JOB, parseBuildRunPayload, type BuildJob } from "@bbos/queue";

import type { CancelRegistry } from "./cancel-registry.ts";
import { PermanentBuildError } from "./permanent-build-error.ts";
import { runBuild, type RunBuildPorts } from "./run-build.ts";

/** A BullMQ processor for the `builds` queue. */
export type BuildProcessor = (job: BuildJob, token?: string, signal?: AbortSignal) => Promise<void>;

/** What the processor hands every build, besides the job's own signals. */
export type ProcessorDeps = Omit<RunBuildPorts, "jobSignal" | "cancelSignal" | "willRetry"> & {
  cancels: CancelRegistry;
};

/**
 * Adapts {@link runBuild} to BullMQ: validates the job first and fails it without retries when it
 * is malformed (recording that on the build when the job names one), tells the build whether a
 * failure will be retried, gives it a cancel signal, and fails the job without retries on a
 * {@link PermanentBuildError}.
 */
export function createProcessor(deps: ProcessorDeps): BuildProcessor {
  const { cancels, ...ports } = deps;
  // Three declared parameters: BullMQ only creates an AbortSignal for processors whose
  // `length` is at least 3.
  return async (job, _token, signal) => {
    // Typed as "build.run", but Redis may hold anything a producer put on the queue.
    const name: string = job.name;
    if (name !== BUILD_RUN_JOB) {
      throw new UnrecoverableError(`unknown job name "${name}" (expected "${BUILD_RUN_JOB}")`);
    }
    let buildId;
    try {
      ({ buildId } = parseBuildRunPayload(job.data));
    } catch (error) {
      await recordBadPayload(deps, job, error);
      // Retrying cannot fix the data, so the job fails now instead of using up its attempts.
      throw unrecoverable(error);
    }
    if (!isBuildId(buildId)) throw new UnrecoverableError(`invalid build id "${buildId}"`);
    const cancel = cancels.register(buildId);
    try {
      await runBuild(buildId, {
        ...ports,
        jobSignal: signal ?? new AbortController().signal,
        cancelSignal: cancel.signal,
        willRetry: job.attemptsMade + 1 < (job.opts.attempts ?? 1),
      });
    } catch (error) {
      throw error instanceof PermanentBuildError ? unrecoverable(error) : error;
    } finally {
      cancel.release();
    }
  };
}

// A job whose id is a build id but whose data is not a payload: the build fails with the reason,
// so it does not wait forever for a job that will never run.
async function recordBadPayload(deps: ProcessorDeps, job: BuildJob, error: unknown) {
  const id = job.id ?? "";
  if (!isBuildId(id)) return;
  const reason = error instanceof Error ? error.message : String(error);
  const changed = await changeBuild(deps.db, id, (state) =>
    transition(state, { type: "abandon", reason, at: new Date() }),
  );
  if (changed?.ok) deps.updates.published(changed.build);
}

function unrecoverable(error: unknown): UnrecoverableError {
  const unrecoverable = new UnrecoverableError(
    error instanceof Error ? error.message : String(error),
  );
  unrecoverable.cause = error;
  return unrecoverable;
}
