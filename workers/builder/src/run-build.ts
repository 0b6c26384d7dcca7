// The orchestration of one build, over ports only: no BullMQ, Redis or Docker here. The BullMQ
// adapter is `processor.ts`; recipe runners (the Docker executor, later) implement `RecipeRunner`.
import type { BuildRunPayload } from "@bbos/queue";

import { PermanentBuildError } from "./permanent-build-error.ts";

/** Where a build reports how far it has got. */
export interface ProgressPort {
  /** `stage` names the current step (e.g. `"compile"`); `fraction` is the share done, 0 to 1. */
  report(stage: string, fraction: number): Promise<void>;
}

/** The build's own log, the one its user reads (not the worker's process log). */
export interface BuildLogPort {
  append(line: string): Promise<void>;
}

/** What a {@link RecipeRunner} reports through, and stops on. */
export interface RecipeRunContext {
  progress: ProgressPort;
  log: BuildLogPort;
  /** Aborted when the build must stop (e.g. worker shutdown): stop work and throw. */
  signal: AbortSignal;
}

/**
 * Runs the recipe of one build. Throw {@link PermanentBuildError} for failures a retry cannot
 * fix; any other error is retried. A build may run more than once (delivery is at least once),
 * so a runner must be idempotent.
 */
export interface RecipeRunner {
  run(input: BuildRunPayload, context: RecipeRunContext): Promise<void>;
}

/** The ports {@link runBuild} works through. */
export interface RunBuildPorts extends RecipeRunContext {
  /** `null` while this worker has no recipe runner: every build then fails, without retries. */
  runner: RecipeRunner | null;
}

const NO_RECIPE_RUNNER = "no recipe runner is configured on this worker";

/**
 * Runs one validated `build.run` payload through the recipe runner.
 *
 * Once `signal` is aborted, progress and log lines are no longer passed on: the job may already
 * belong to another worker (shutdown hands running jobs back to the queue), and a runner still
 * winding down must not write into that run. A run that was aborted fails even if the runner
 * returns normally, since it may not have finished the build.
 *
 * @throws PermanentBuildError when no runner is configured (after saying so in the build log).
 * @throws Error `build aborted: <reason>` when `signal` is aborted before or during the run.
 * Errors from the runner propagate unchanged.
 */
export async function runBuild(input: BuildRunPayload, ports: RunBuildPorts): Promise<void> {
  const { runner, progress, log, signal } = ports;
  if (!runner) {
    await log.append(`cannot run build: ${NO_RECIPE_RUNNER}`);
    throw new PermanentBuildError(NO_RECIPE_RUNNER);
  }
  throwIfAborted(signal);
  await runner.run(input, {
    progress: {
      report: (stage, fraction) =>
        signal.aborted ? Promise.resolve() : progress.report(stage, fraction),
    },
    log: { append: (line) => (signal.aborted ? Promise.resolve() : log.append(line)) },
    signal,
  });
  throwIfAborted(signal);
}

function throwIfAborted(signal: AbortSignal): void {
  // `signal.throwIfAborted()` would throw the bare reason, which BullMQ passes as a string.
  if (signal.aborted) {
    throw new Error(`build aborted: ${String(signal.reason)}`, { cause: signal.reason });
  }
}
