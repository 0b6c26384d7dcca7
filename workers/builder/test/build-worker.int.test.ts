import { randomUUID } from "node:crypto";

import { describe, expect, it, vi } from "vitest";

import { BUILD_RUN_JOB, enqueueBuild, type BuildRunPayload } from "@bbos/queue";

import { shutdownWorker } from "../src/build-worker.ts";
import { PermanentBuildError } from "../src/permanent-build-error.ts";
import type { RecipeRunner } from "../src/run-build.ts";
import { deferred, useBuilderFixture } from "./build-worker-fixture.ts";

const waitLong = { timeout: 10_000, interval: 20 };

/** A recipe runner from a function, for runners that are one expression. */
const runner = (run: RecipeRunner["run"]): RecipeRunner => ({ run });

describe("build worker", () => {
  const fixture = useBuilderFixture();

  it("runs a valid build.run job through the recipe runner, with progress and log on the job", async () => {
    const { queue, startWorker, logs } = fixture();
    const calls: { input: BuildRunPayload; signal: AbortSignal }[] = [];
    await startWorker(
      runner(async (input, { progress, log, signal }) => {
        calls.push({ input, signal });
        await log.append("compiling");
        await progress.report("compile", 0.5);
        await log.append("compiled");
      }),
    );

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId, requestedBy: "user-1" });

    await vi.waitFor(
      async () => expect(await queue.getJobState(buildId)).toBe("completed"),
      waitLong,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.input).toEqual({ buildId, requestedBy: "user-1" });
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
    expect((await queue.getJob(buildId))?.progress).toEqual({ stage: "compile", fraction: 0.5 });
    expect((await queue.getJobLogs(buildId)).logs).toEqual(["compiling", "compiled"]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: "job completed", jobId: buildId, attemptsMade: 1 }),
    );
  });

  it("fails a malformed job once, without retrying, and names the bad field", async () => {
    const { queue, startWorker, logs } = fixture();
    const run = vi.fn(() => Promise.resolve());
    await startWorker(runner(run));

    // Bypass enqueueBuild, which would refuse this payload before it reaches Redis.
    await queue.add(
      BUILD_RUN_JOB,
      { buildId: "not-a-uuid" },
      { jobId: "bad-payload", attempts: 3 },
    );

    await vi.waitFor(
      async () => expect(await queue.getJobState("bad-payload")).toBe("failed"),
      waitLong,
    );
    const job = await queue.getJob("bad-payload");
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/buildId/);
    expect(run).not.toHaveBeenCalled();
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: "job failed", jobId: "bad-payload", willRetry: false }),
    );
  });

  it("retries a transient runner error per the job's attempts", async () => {
    const { queue, startWorker, logs } = fixture();
    let calls = 0;
    await startWorker(
      runner(() => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error("registry timeout")) : Promise.resolve();
      }),
    );

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId }, { attempts: 3, backoffDelayMs: 1 });

    await vi.waitFor(
      async () => expect(await queue.getJobState(buildId)).toBe("completed"),
      waitLong,
    );
    expect(calls).toBe(3);
    expect(logs.filter((line) => line.msg === "job failed; it will be retried")).toHaveLength(2);
  });

  it("fails a job for good once its attempts are used up", async () => {
    const { queue, startWorker } = fixture();
    await startWorker(runner(() => Promise.reject(new Error("registry timeout"))));

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId }, { attempts: 2, backoffDelayMs: 1 });

    await vi.waitFor(async () => expect(await queue.getJobState(buildId)).toBe("failed"), waitLong);
    const job = await queue.getJob(buildId);
    expect(job?.attemptsMade).toBe(2);
    expect(job?.failedReason).toBe("registry timeout");
  });

  it("fails a job at once, without retrying, when the runner reports a permanent failure", async () => {
    const { queue, startWorker } = fixture();
    await startWorker(
      runner(() => Promise.reject(new PermanentBuildError("recipe step 2 is invalid"))),
    );

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId }, { attempts: 3, backoffDelayMs: 1 });

    await vi.waitFor(async () => expect(await queue.getJobState(buildId)).toBe("failed"), waitLong);
    const job = await queue.getJob(buildId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe("recipe step 2 is invalid");
  });

  it("fails builds at once, saying why, while no recipe runner is configured", async () => {
    const { queue, startWorker, logs } = fixture();
    await startWorker(null);

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId });

    await vi.waitFor(async () => expect(await queue.getJobState(buildId)).toBe("failed"), waitLong);
    const job = await queue.getJob(buildId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe("no recipe runner is configured on this worker");
    // The build's own log tells its user; the worker's log tells the operator.
    expect((await queue.getJobLogs(buildId)).logs).toEqual([
      "cannot run build: no recipe runner is configured on this worker",
    ]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: "job failed",
        jobId: buildId,
        willRetry: false,
        reason: "no recipe runner is configured on this worker",
      }),
    );
  });
});

describe("shutdownWorker", () => {
  const fixture = useBuilderFixture();

  it("lets a running job finish before a graceful shutdown resolves", async () => {
    const { queue, startWorker, logger } = fixture();
    const started = deferred();
    const finish = deferred();
    const order: string[] = [];
    const worker = await startWorker(
      runner(async () => {
        started.resolve();
        await finish.promise;
        order.push("runner finished");
      }),
    );

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId });
    await started.promise;

    const shutdown = shutdownWorker(worker, 10_000, logger).then((outcome) => {
      order.push("shutdown resolved");
      return outcome;
    });
    finish.resolve();

    expect(await shutdown).toBe("drained");
    expect(order).toEqual(["runner finished", "shutdown resolved"]);
    expect(await queue.getJobState(buildId)).toBe("completed");
    expect(worker.closing).toBeDefined();
  });

  it("hands a job that outlasts the grace period back to the queue for another worker", async () => {
    const { queue, startWorker, logger } = fixture();
    const started = deferred();
    let abortReason: unknown;
    const first = await startWorker(
      runner(async (_input, { signal }) => {
        started.resolve();
        // A cooperative runner: it stops when the worker aborts it.
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
        abortReason = signal.reason;
        throw new Error("aborted");
      }),
    );

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId });
    await started.promise;

    expect(await shutdownWorker(first, 50, logger)).toBe("released");
    expect(abortReason).toBe("worker shutting down");
    expect(await queue.getJobState(buildId)).toBe("waiting");

    const completedBy: string[] = [];
    await startWorker(
      runner((input) => {
        completedBy.push(input.buildId);
        return Promise.resolve();
      }),
    );
    await vi.waitFor(
      async () => expect(await queue.getJobState(buildId)).toBe("completed"),
      waitLong,
    );
    expect(completedBy).toEqual([buildId]);
    // The released run neither completed nor failed the job, and did not use up an attempt.
    expect((await queue.getJob(buildId))?.attemptsMade).toBe(1);
  });

  it("releases the job even when the runner ignores the abort", async () => {
    const { queue, startWorker, logger, logs } = fixture();
    const started = deferred();
    const unblock = deferred();
    const first = await startWorker(
      runner(async () => {
        started.resolve();
        await unblock.promise; // ignores the signal
      }),
    );

    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId });
    await started.promise;

    try {
      expect(await shutdownWorker(first, 50, logger, { abortWaitMs: 50 })).toBe("abandoned");
      expect(logs).toContainEqual(
        expect.objectContaining({ msg: "handlers ignored the abort; giving up on closing" }),
      );
      expect(await queue.getJobState(buildId)).toBe("waiting");

      await startWorker(runner(() => Promise.resolve()));
      await vi.waitFor(
        async () => expect(await queue.getJobState(buildId)).toBe("completed"),
        waitLong,
      );
    } finally {
      // Let the stubborn runner return so its worker can finish closing.
      unblock.resolve();
    }
  });
});
