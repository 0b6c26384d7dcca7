// The life of one build on this worker, over ports: start it in PostgreSQL (the record), run its
// recipe, record the outcome. Every state change goes through the core's state machine in one
// transaction (`changeBuild`), so a redelivered job or a late report never yields a second
// terminal state or a second artifact set. BullMQ lives in `processor.ts`, Docker and storage
// behind `RecipeRunner`.
import { transition, type BuildEvent, type BuildId } from "@bbos/core/build";
import {
  changeBuild,
  findBuild,
  findBuildWithConfig,
  type ArtifactInput,
  type BuildChange,
  type BuildRow,
  type BuildWithConfigRow,
  type Db,
} from "@bbos/db";

import { PermanentBuildError } from "./permanent-build-error.ts";

/** Where a running build reports its stage and progress. */
export interface ProgressPort {
  /** `stage` is one of the recipe's stage ids; `progress` the share of the whole build, 0 to 1. */
  report(stage: string, progress: number): void;
}

/** The build's own log, the one its user reads (not the worker's process log). */
export interface BuildLogPort {
  append(text: string, stream?: "out" | "err" | "sys"): void;
}

/** What a {@link RecipeRunner} reports through, and stops on. */
export interface RecipeRunContext {
  progress: ProgressPort;
  log: BuildLogPort;
  /** Aborted when the build must stop (cancel, timeout, shutdown): stop work and throw. */
  signal: AbortSignal;
}

/**
 * Runs one attempt of a build and stores its artifacts, under keys of its own attempt, so two
 * attempts never write the same object. Throw {@link PermanentBuildError} for failures a retry
 * cannot fix; any other error is retried.
 */
export interface RecipeRunner {
  run(build: BuildWithConfigRow, context: RecipeRunContext): Promise<readonly ArtifactInput[]>;
  /** Removes what an attempt stored when its result was not accepted. */
  discard(artifacts: readonly ArtifactInput[]): Promise<void>;
}

/** Build updates other processes hear of (subscriptions on every API node). */
export interface BuildUpdatesPort {
  published(build: BuildRow): void;
}

/** Opens a build's log for one attempt; `close` writes the end marker when the build ended. */
export interface BuildLogs {
  open(build: BuildWithConfigRow): Promise<BuildLogPort & { close(ended: boolean): Promise<void> }>;
}

/** The ports {@link runBuild} works through. */
export interface RunBuildPorts {
  db: Db;
  workerId: string;
  runner: RecipeRunner;
  logs: BuildLogs;
  updates: BuildUpdatesPort;
  /** Aborted when the job must stop because this worker hands it back (shutdown). */
  jobSignal: AbortSignal;
  /** Aborted when a user cancels the build. */
  cancelSignal: AbortSignal;
  /** Longest a build may run. */
  timeoutMs: number;
  /**
   * How often the running build's row is read for a cancel request, in case the pub/sub
   * message (at most once) did not arrive. @defaultValue 5000
   */
  cancelPollMs?: number;
  /** Whether BullMQ runs the job again if this attempt fails with a transient error. */
  willRetry: boolean;
  now?: () => Date;
}

/** How {@link runBuild} ended for this worker. */
export type RunBuildOutcome = "succeeded" | "failed" | "canceled" | "skipped" | "released";

/**
 * Runs the build `buildId` once. A build that has already ended, or was canceled while queued,
 * is skipped without running anything.
 *
 * @throws PermanentBuildError when the attempt failed for good (recorded as FAILED);
 *   the runner's error when the attempt will be retried (recorded as QUEUED again);
 *   `build released` when `jobSignal` aborted (the job runs again elsewhere; nothing recorded).
 */
export async function runBuild(buildId: BuildId, ports: RunBuildPorts): Promise<RunBuildOutcome> {
  const now = ports.now ?? (() => new Date());
  const change = async (event: BuildEvent, artifacts?: readonly ArtifactInput[]) => {
    const result = await changeBuild(ports.db, buildId, (state) => transition(state, event), {
      ...(artifacts ? { artifacts } : {}),
    });
    if (result?.ok) ports.updates.published(result.build);
    return result;
  };

  const started = await change({ type: "start", workerId: ports.workerId, at: now() });
  if (!started) throw new PermanentBuildError(`build ${buildId} does not exist`);
  if (!started.ok || started.build.status !== "RUNNING") return "skipped";
  const { attempt } = started.build;

  const build = await findBuildWithConfig(ports.db, buildId);
  if (!build) throw new PermanentBuildError(`build ${buildId} does not exist`);
  const log = await ports.logs.open(build);
  const timeout = AbortSignal.timeout(ports.timeoutMs);
  // A cancel arrives over pub/sub (fast, at most once) or is found on the row (a safety net).
  const cancelFound = new AbortController();
  const cancelPoll = setInterval(() => {
    findBuild(ports.db, buildId).then(
      (row) => row?.cancelRequestedAt && cancelFound.abort(new Error("canceled by request")),
      () => undefined, // Unreadable for now; the next poll or the message still cancels.
    );
  }, ports.cancelPollMs ?? 5_000);
  cancelPoll.unref();
  const cancelSignal = AbortSignal.any([ports.cancelSignal, cancelFound.signal]);
  const signal = AbortSignal.any([ports.jobSignal, cancelSignal, timeout]);
  const progress = throttledProgress((stage, fraction) =>
    change({ type: "progress", attempt, stage, progress: fraction }),
  );

  let ended = false;
  // Another attempt owns the build now (its lock expired and a worker took over), or it ended
  // meanwhile: this attempt records nothing and leaves the log open for the current one.
  const discarded = (refused: BuildChange | null): RunBuildOutcome => {
    log.append(`attempt ${attempt}: result discarded: ${refusal(refused)}`, "sys");
    return "skipped";
  };
  try {
    log.append(`build ${buildId}: attempt ${attempt} on worker ${ports.workerId}`, "sys");
    const artifacts = await ports.runner.run(build, { progress, log, signal });
    await progress.settled();
    const done = await change({ type: "succeed", attempt, at: now() }, artifacts);
    if (!done?.ok) {
      await ports.runner.discard(artifacts);
      return discarded(done);
    }
    ended = true;
    log.append("build succeeded", "sys");
    return "succeeded";
  } catch (error) {
    await progress.settled();
    if (ports.jobSignal.aborted && !cancelSignal.aborted && !timeout.aborted) {
      log.append("worker shutting down: the build goes back to the queue", "sys");
      throw new Error("build released: the worker is shutting down", { cause: error });
    }
    if (cancelSignal.aborted) {
      const canceled = await change({ type: "canceled", attempt, at: now() });
      if (!canceled?.ok) return discarded(canceled);
      ended = true;
      log.append("build canceled", "sys");
      return "canceled";
    }
    const permanent = error instanceof PermanentBuildError || timeout.aborted;
    const reason = timeout.aborted
      ? `timed out after ${Math.round(ports.timeoutMs / 1000)} s`
      : error instanceof Error
        ? error.message
        : String(error);
    const retry = !permanent && ports.willRetry;
    const failed = await change({ type: "fail", attempt, reason, retry, at: now() });
    if (!failed?.ok) return discarded(failed);
    ended = !retry || failed.build.status === "CANCELED";
    if (failed.build.status === "CANCELED") {
      log.append("build canceled", "sys");
      return "canceled";
    }
    log.append(retry ? `attempt failed, will retry: ${reason}` : `build failed: ${reason}`, "sys");
    if (retry) throw error;
    throw error instanceof PermanentBuildError
      ? error
      : new PermanentBuildError(reason, { cause: error });
  } finally {
    clearInterval(cancelPoll);
    await log.close(ended);
  }
}

function refusal(change: BuildChange | null): string {
  return change && !change.ok ? change.reason : "the build no longer exists";
}

/**
 * Progress reports write to PostgreSQL; a recipe may report many per second. This keeps at most
 * one write in flight; reports waiting meanwhile collapse to the newest of each stage, so every
 * stage change is still written, in order.
 */
function throttledProgress(
  write: (stage: string, progress: number) => Promise<unknown>,
): ProgressPort & { settled(): Promise<void> } {
  let inFlight: Promise<void> | null = null;
  const pending: { stage: string; progress: number }[] = [];
  const pump = (): void => {
    const next = inFlight ? undefined : pending.shift();
    if (!next) return;
    inFlight = write(next.stage, next.progress)
      .then(
        () => undefined,
        () => undefined, // A lost progress report is harmless; the next one carries the figure.
      )
      .finally(() => {
        inFlight = null;
        pump();
      });
  };
  return {
    report(stage, progress) {
      const last = pending.at(-1);
      if (last?.stage === stage) last.progress = progress;
      else pending.push({ stage, progress });
      pump();
    },
    async settled() {
      while (inFlight) await inFlight;
    },
  };
}
