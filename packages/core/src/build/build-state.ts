// The one place that says how a build's state may change. Pure: the database applies a
// transition inside one transaction per event (`applyBuildEvent` in @bbos/db), the worker and the
// API only describe what happened.

/** Where a build is in its life; the last three are terminal. */
export type BuildStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELED";

/** The part of a build row the state machine reads and writes. */
export interface BuildState {
  status: BuildStatus;
  /** How many times a worker has started the build; the current run's number once RUNNING. */
  attempt: number;
  /** The worker running the current attempt; kept after the end for the record. */
  workerId: string | null;
  stage: string | null;
  /** Share of the whole build done, 0 to 1; never goes back within an attempt. */
  progress: number;
  errorMessage: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelRequestedAt: Date | null;
}

/**
 * What happened to a build. Events a worker reports carry the attempt they belong to, so a
 * worker that lost its job (its lock expired and another worker took over) cannot change the
 * build any more.
 */
export type BuildEvent =
  /** A worker took the build's job: the next attempt begins. */
  | { type: "start"; workerId: string; at: Date }
  | { type: "progress"; attempt: number; stage: string; progress: number }
  | { type: "succeed"; attempt: number; at: Date }
  /** The attempt failed; `retry` when the queue will run the job again. */
  | { type: "fail"; attempt: number; reason: string; retry: boolean; at: Date }
  /** A user asked to stop the build. */
  | { type: "requestCancel"; at: Date }
  /** The worker stopped the attempt because a cancel was requested. */
  | { type: "canceled"; attempt: number; at: Date }
  /** The build's job is gone from the queue (e.g. Redis lost it) and it is queued again. */
  | { type: "requeue"; reason: string; at: Date }
  /** The build's job is gone and it will not run again. */
  | { type: "abandon"; reason: string; at: Date };

/** The outcome of {@link transition}: the new state, or why the event does not apply. */
export type BuildTransition =
  { ok: true; state: BuildState } | { ok: false; reason: string; state: BuildState };

const TERMINAL: ReadonlySet<BuildStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELED"]);

/** True for SUCCEEDED, FAILED and CANCELED: no event changes such a build any more. */
export function isTerminal(status: BuildStatus): boolean {
  return TERMINAL.has(status);
}

const CANCELED_BY_USER = "canceled by request";

/**
 * Applies `event` to `state`. Terminal states absorb every event (`ok: false`), so a redelivered
 * job or a late report never yields a second terminal state; events of an attempt other than the
 * current one are refused the same way.
 */
export function transition(state: BuildState, event: BuildEvent): BuildTransition {
  const refuse = (reason: string): BuildTransition => ({ ok: false, reason, state });
  if (isTerminal(state.status)) {
    return refuse(`the build has already ended (${state.status})`);
  }
  switch (event.type) {
    case "start":
      if (state.cancelRequestedAt) {
        // Cancel was asked for while no worker held the job (or its worker died): end it here.
        return ended(state, "CANCELED", CANCELED_BY_USER, event.at);
      }
      return {
        ok: true,
        state: {
          ...state,
          status: "RUNNING",
          attempt: state.attempt + 1,
          workerId: event.workerId,
          stage: null,
          progress: 0,
          errorMessage: null,
          startedAt: event.at,
        },
      };
    case "progress": {
      const stale = staleAttempt(state, event.attempt);
      if (stale) return refuse(stale);
      const progress = Math.min(1, Math.max(state.progress, event.progress));
      return { ok: true, state: { ...state, stage: event.stage, progress } };
    }
    case "succeed": {
      const stale = staleAttempt(state, event.attempt);
      if (stale) return refuse(stale);
      return {
        ok: true,
        state: { ...ended(state, "SUCCEEDED", null, event.at).state, progress: 1 },
      };
    }
    case "fail": {
      const stale = staleAttempt(state, event.attempt);
      if (stale) return refuse(stale);
      if (state.cancelRequestedAt) return ended(state, "CANCELED", CANCELED_BY_USER, event.at);
      if (event.retry) {
        return {
          ok: true,
          state: { ...state, status: "QUEUED", workerId: null, errorMessage: event.reason },
        };
      }
      return ended(state, "FAILED", event.reason, event.at);
    }
    case "requestCancel":
      if (state.status === "QUEUED") return ended(state, "CANCELED", CANCELED_BY_USER, event.at);
      if (state.cancelRequestedAt) return refuse("cancel was already requested");
      return { ok: true, state: { ...state, cancelRequestedAt: event.at } };
    case "canceled": {
      const stale = staleAttempt(state, event.attempt);
      if (stale) return refuse(stale);
      return ended(state, "CANCELED", CANCELED_BY_USER, event.at);
    }
    case "requeue":
      if (state.cancelRequestedAt) return ended(state, "CANCELED", CANCELED_BY_USER, event.at);
      return {
        ok: true,
        state: { ...state, status: "QUEUED", workerId: null, errorMessage: event.reason },
      };
    case "abandon":
      return ended(state, "FAILED", event.reason, event.at);
  }
}

function staleAttempt(state: BuildState, attempt: number): string | null {
  if (state.status !== "RUNNING") return `the build is not running (${state.status})`;
  if (attempt !== state.attempt) {
    return `attempt ${attempt} is no longer current (the build is on attempt ${state.attempt})`;
  }
  return null;
}

function ended(
  state: BuildState,
  status: BuildStatus,
  errorMessage: string | null,
  at: Date,
): BuildTransition {
  return { ok: true, state: { ...state, status, errorMessage, finishedAt: at } };
}
