import { describe, expect, it } from "vitest";

import { transition, type BuildEvent, type BuildState } from "./build-state.ts";

const at = new Date("2026-12-02T10:00:00Z");

const queued: BuildState = {
  status: "QUEUED",
  attempt: 0,
  workerId: null,
  stage: null,
  progress: 0,
  errorMessage: null,
  startedAt: null,
  finishedAt: null,
  cancelRequestedAt: null,
};

function run(state: BuildState, ...events: BuildEvent[]): BuildState {
  return events.reduce((current, event) => {
    const next = transition(current, event);
    if (!next.ok) throw new Error(`refused ${event.type}: ${next.reason}`);
    return next.state;
  }, state);
}

const started = run(queued, { type: "start", workerId: "w1", at });

describe("transition", () => {
  it("runs a build from QUEUED through RUNNING to SUCCEEDED", () => {
    const done = run(
      started,
      { type: "progress", attempt: 1, stage: "rootfs", progress: 0.4 },
      { type: "succeed", attempt: 1, at },
    );
    expect(done).toMatchObject({ status: "SUCCEEDED", attempt: 1, progress: 1, finishedAt: at });
  });

  it("never lets progress go back within an attempt", () => {
    const later = run(
      started,
      { type: "progress", attempt: 1, stage: "a", progress: 0.6 },
      { type: "progress", attempt: 1, stage: "b", progress: 0.3 },
    );
    expect(later).toMatchObject({ stage: "b", progress: 0.6 });
  });

  it.each<BuildEvent>([
    { type: "start", workerId: "w2", at },
    { type: "succeed", attempt: 1, at },
    { type: "fail", attempt: 1, reason: "late", retry: true, at },
    { type: "requestCancel", at },
    { type: "requeue", reason: "job lost", at },
    { type: "abandon", reason: "job lost", at },
  ])("refuses $type once the build has ended, keeping the one terminal state", (event) => {
    const done = run(started, { type: "succeed", attempt: 1, at });
    const result = transition(done, event);
    expect(result).toMatchObject({ ok: false, state: done });
    expect(result.ok || result.reason).toMatch(/already ended \(SUCCEEDED\)/);
  });

  it("gives a redelivered job a new attempt and refuses the old attempt's reports", () => {
    const redelivered = run(started, { type: "start", workerId: "w2", at });
    expect(redelivered).toMatchObject({ status: "RUNNING", attempt: 2, workerId: "w2" });
    const late = transition(redelivered, { type: "succeed", attempt: 1, at });
    expect(late.ok || late.reason).toMatch(/attempt 1 is no longer current/);
  });

  it("queues a build again on a retryable failure and fails it for good otherwise", () => {
    const retried = run(started, {
      type: "fail",
      attempt: 1,
      reason: "engine hiccup",
      retry: true,
      at,
    });
    expect(retried).toMatchObject({ status: "QUEUED", attempt: 1, errorMessage: "engine hiccup" });
    const failed = run(
      retried,
      { type: "start", workerId: "w1", at },
      {
        type: "fail",
        attempt: 2,
        reason: "exit code 2",
        retry: false,
        at,
      },
    );
    expect(failed).toMatchObject({ status: "FAILED", attempt: 2, errorMessage: "exit code 2" });
  });

  it("cancels a queued build at once", () => {
    expect(run(queued, { type: "requestCancel", at })).toMatchObject({
      status: "CANCELED",
      finishedAt: at,
    });
  });

  it("marks a running build for cancel and ends it when the worker stops it", () => {
    const asked = run(started, { type: "requestCancel", at });
    expect(asked).toMatchObject({ status: "RUNNING", cancelRequestedAt: at });
    expect(run(asked, { type: "canceled", attempt: 1, at })).toMatchObject({ status: "CANCELED" });
  });

  it.each<BuildEvent>([
    { type: "fail", attempt: 1, reason: "container stopped", retry: true, at },
    { type: "start", workerId: "w2", at },
    { type: "requeue", reason: "job lost", at },
  ])("ends a build whose cancel was requested as CANCELED on $type", (event) => {
    const asked = run(started, { type: "requestCancel", at });
    expect(run(asked, event)).toMatchObject({ status: "CANCELED" });
  });

  it("fails a build whose job is gone for good, with the reason", () => {
    expect(run(started, { type: "abandon", reason: "job lost in Redis", at })).toMatchObject({
      status: "FAILED",
      errorMessage: "job lost in Redis",
    });
  });

  it("refuses worker reports for a build that is not running", () => {
    expect(
      transition(queued, { type: "progress", attempt: 0, stage: "x", progress: 0.1 }),
    ).toMatchObject({
      ok: false,
      reason: "the build is not running (QUEUED)",
    });
  });
});
