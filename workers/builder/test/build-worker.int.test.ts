// The BullMQ build worker against the real Redis and PostgreSQL: jobs of the `builds` queue run
// through `runBuild`, so every test reads both the job (Redis) and the build row (PostgreSQL).
// Recipe runners are functions of the tests.
import { randomUUID } from "node:crypto";

import { describe, expect, it, vi } from "vitest";

import { transition, type BuildId } from "@bbos/core";
import { changeBuild, listArtifacts, type BuildWithConfigRow } from "@bbos/db";
import { BUILD_RUN_JOB, enqueueBuild, type BuildJobName } from "@bbos/queue";

import { shutdownWorker } from "../src/build-worker.ts";
import { PermanentBuildError } from "../src/permanent-build-error.ts";
import type { RecipeRunner } from "../src/run-build.ts";
import { useBuilderFixture } from "./build-worker-fixture.ts";
import { artifactSet } from "./build-rows.ts";
import { aborted, deferred, testRunner } from "./memory-ports.ts";

const waitLong = { timeout: 10_000, interval: 20 };

/** Lock settings short enough for a lost lock to be noticed within about a second. */
const SHORT_LOCKS = { lockDuration: 1_000, stalledInterval: 250, maxStalledCount: 1 };

describe("build worker", () => {
  const fixture = useBuilderFixture();

  it("runs a valid build.run job to SUCCEEDED, with its artifacts, progress and log", async () => {
    const { queue, startWorker, makeBuild, getBuild, buildLogs, logs } = fixture();
    const artifacts = artifactSet("valid");
    const calls: { build: BuildWithConfigRow; signal: AbortSignal }[] = [];
    await startWorker(
      testRunner((build, { progress, log, signal }) => {
        calls.push({ build, signal });
        log.append("compiling");
        progress.report("compile", 0.5);
        return Promise.resolve(artifacts);
      }),
    );

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id, requestedBy: "user-1" });

    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("completed"),
      waitLong,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.build).toMatchObject({ id: build.id, attempt: 1, workerId: "worker-1" });
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(await getBuild(build.id)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 1,
      stage: "compile",
      progress: 1,
    });
    expect((await listArtifacts(fixture().db, build.id)).map((row) => row.name).sort()).toEqual([
      "valid.img.zst",
      "valid.sha256",
    ]);
    expect(buildLogs.of(build.id)).toContainEqual(["out", "compiling"]);
    expect(buildLogs.closesOf(build.id)).toEqual([true]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: "job completed", jobId: build.id, attemptsMade: 1 }),
    );
  });

  it("fails a malformed job once, without retrying, and fails the build it names, saying which field is bad", async () => {
    const { queue, startWorker, makeBuild, getBuild, updates, logs } = fixture();
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve([]));
    await startWorker(testRunner(run));

    const build = await makeBuild();
    // Bypass enqueueBuild, which would refuse this payload before it reaches Redis.
    await queue.add(BUILD_RUN_JOB, { buildId: "not-a-uuid" }, { jobId: build.id, attempts: 3 });

    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("failed"),
      waitLong,
    );
    const job = await queue.getJob(build.id);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe("invalid build.run payload: buildId: Invalid UUID");
    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      attempt: 0,
      errorMessage: "invalid build.run payload: buildId: Invalid UUID",
      finishedAt: expect.any(Date) as Date,
    });
    expect(updates.statusesOf(build.id)).toEqual(["FAILED"]);
    expect(run).not.toHaveBeenCalled();
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: "job failed", jobId: build.id, willRetry: false }),
    );
  });

  it("fails a malformed job whose id is no build id without touching any build", async () => {
    const { queue, startWorker, updates } = fixture();
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve([]));
    await startWorker(testRunner(run));

    await queue.add(BUILD_RUN_JOB, { buildId: 42 } as never, { jobId: "bad-payload", attempts: 3 });

    await vi.waitFor(
      async () => expect(await queue.getJobState("bad-payload")).toBe("failed"),
      waitLong,
    );
    const job = await queue.getJob("bad-payload");
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/^invalid build\.run payload: buildId: /);
    expect(updates.published).toEqual([]);
    expect(run).not.toHaveBeenCalled();
  });

  it("fails a job of another name once, without retrying", async () => {
    const { queue, startWorker } = fixture();
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve([]));
    await startWorker(testRunner(run));

    const buildId = randomUUID();
    await queue.add(
      "build.other" as BuildJobName,
      { buildId },
      { jobId: "other-job", attempts: 3 },
    );

    await vi.waitFor(
      async () => expect(await queue.getJobState("other-job")).toBe("failed"),
      waitLong,
    );
    const job = await queue.getJob("other-job");
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe('unknown job name "build.other" (expected "build.run")');
    expect(run).not.toHaveBeenCalled();
  });

  it("retries a transient runner error per the job's attempts, and the build ends SUCCEEDED", async () => {
    const { queue, startWorker, makeBuild, getBuild, updates, buildLogs, logs } = fixture();
    let calls = 0;
    await startWorker(
      testRunner(() => {
        calls += 1;
        return calls < 3
          ? Promise.reject(new Error("registry timeout"))
          : Promise.resolve(artifactSet("third"));
      }),
    );

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id }, { attempts: 3, backoffDelayMs: 1 });

    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("completed"),
      waitLong,
    );
    expect(calls).toBe(3);
    expect((await queue.getJob(build.id))?.attemptsMade).toBe(3);
    expect(await getBuild(build.id)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 3,
      errorMessage: null,
    });
    expect(updates.statusesOf(build.id)).toEqual([
      "RUNNING",
      "QUEUED",
      "RUNNING",
      "QUEUED",
      "RUNNING",
      "SUCCEEDED",
    ]);
    expect(buildLogs.closesOf(build.id)).toEqual([false, false, true]);
    expect(logs.filter((line) => line.msg === "job failed; it will be retried")).toHaveLength(2);
  });

  it("fails the build for good once the job's attempts are used up", async () => {
    const { queue, startWorker, makeBuild, getBuild, updates, logs } = fixture();
    await startWorker(testRunner(() => Promise.reject(new Error("registry timeout"))));

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id }, { attempts: 2, backoffDelayMs: 1 });

    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("failed"),
      waitLong,
    );
    const job = await queue.getJob(build.id);
    expect(job?.attemptsMade).toBe(2);
    expect(job?.failedReason).toBe("registry timeout");
    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      attempt: 2,
      errorMessage: "registry timeout",
    });
    expect(updates.statusesOf(build.id)).toEqual(["RUNNING", "QUEUED", "RUNNING", "FAILED"]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: "job failed", jobId: build.id, willRetry: false }),
    );
  });

  it("fails the job and the build at once, without retrying, on a permanent failure", async () => {
    const { queue, startWorker, makeBuild, getBuild } = fixture();
    await startWorker(
      testRunner(() => Promise.reject(new PermanentBuildError("recipe step 2 is invalid"))),
    );

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id }, { attempts: 3, backoffDelayMs: 1 });

    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("failed"),
      waitLong,
    );
    const job = await queue.getJob(build.id);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe("recipe step 2 is invalid");
    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      attempt: 1,
      errorMessage: "recipe step 2 is invalid",
    });
  });

  it("stops a running build canceled through its cancel registry, and completes its job", async () => {
    const { queue, startWorker, makeBuild, getBuild } = fixture();
    const started = deferred();
    const { cancels } = await startWorker(
      testRunner(async (_build, { signal }) => {
        started.resolve();
        throw new Error("container stopped", { cause: await aborted(signal) });
      }),
    );

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id }, { attempts: 3, backoffDelayMs: 1 });
    await started.promise;
    expect(cancels.cancel(build.id)).toBe(true);

    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("completed"),
      waitLong,
    );
    expect(await getBuild(build.id)).toMatchObject({ status: "CANCELED", attempt: 1 });
    // The build is no longer this worker's to cancel.
    expect(cancels.cancel(build.id)).toBe(false);
  });

  it("completes the job of a build that has already ended without running it again", async () => {
    const { queue, startWorker, makeBuild, getBuild, db } = fixture();
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve([]));
    await startWorker(testRunner(run));

    const build = await makeBuild();
    await changeBuild(db, build.id, (state) =>
      transition(state, { type: "requestCancel", at: new Date() }),
    );
    await enqueueBuild(queue, { buildId: build.id });

    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("completed"),
      waitLong,
    );
    expect(run).not.toHaveBeenCalled();
    expect(await getBuild(build.id)).toMatchObject({ status: "CANCELED", attempt: 0 });
  });
});

describe("shutdownWorker", () => {
  const fixture = useBuilderFixture();

  it("lets a running job finish before a graceful shutdown resolves", async () => {
    const { queue, startWorker, makeBuild, getBuild, logger } = fixture();
    const started = deferred();
    const finish = deferred();
    const order: string[] = [];
    const { worker } = await startWorker(
      testRunner(async () => {
        started.resolve();
        await finish.promise;
        order.push("runner finished");
        return artifactSet("graceful");
      }),
    );

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id });
    await started.promise;

    const shutdown = shutdownWorker(worker, 10_000, logger).then((outcome) => {
      order.push("shutdown resolved");
      return outcome;
    });
    finish.resolve();

    expect(await shutdown).toBe("drained");
    expect(order).toEqual(["runner finished", "shutdown resolved"]);
    expect(await queue.getJobState(build.id)).toBe("completed");
    expect(await getBuild(build.id)).toMatchObject({ status: "SUCCEEDED", attempt: 1 });
  });

  it("hands a job that outlasts the grace period back to the queue, and another worker completes the build as attempt 2", async () => {
    const { queue, startWorker, makeBuild, getBuild, logger, logs, buildLogs } = fixture();
    const started = deferred();
    let abortReason: unknown;
    const first = await startWorker(
      testRunner(async (_build, { signal }) => {
        started.resolve();
        // A cooperative runner: it stops when the worker aborts it.
        abortReason = await aborted(signal);
        throw new Error("aborted");
      }),
    );

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id });
    await started.promise;

    const shutdownStarted = performance.now();
    expect(await shutdownWorker(first.worker, 50, logger)).toBe("released");
    console.log(
      `grace 50 ms: the job was handed back in ${Math.round(performance.now() - shutdownStarted)} ms`,
    );
    expect(abortReason).toBe("worker shutting down");
    // Back in line: enqueueBuild gives every job a priority, so BullMQ keeps it in `prioritized`.
    expect(await queue.getJobState(build.id)).toBe("prioritized");
    // Nothing recorded: the build waits, RUNNING on attempt 1, for the next worker.
    expect(await getBuild(build.id)).toMatchObject({
      status: "RUNNING",
      attempt: 1,
      workerId: "worker-1",
    });
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: "released job stopped", jobId: build.id }),
    );

    const completedBy: BuildId[] = [];
    await startWorker(
      testRunner((running) => {
        completedBy.push(running.id);
        return Promise.resolve(artifactSet("second"));
      }),
    );
    await vi.waitFor(
      async () => expect(await queue.getJobState(build.id)).toBe("completed"),
      waitLong,
    );
    expect(completedBy).toEqual([build.id]);
    expect(await getBuild(build.id)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 2,
      workerId: "worker-2",
    });
    // The released run neither completed nor failed the job, and did not use up an attempt.
    expect((await queue.getJob(build.id))?.attemptsMade).toBe(1);
    expect(buildLogs.closesOf(build.id)).toEqual([false, true]);
  });

  it("releases the job even when the runner ignores the abort, and discards that runner's late result", async () => {
    const { queue, startWorker, makeBuild, getBuild, db, logger, logs } = fixture();
    const started = deferred();
    const unblock = deferred();
    const stubbornArtifacts = artifactSet("stubborn");
    const stubborn = testRunner(async () => {
      started.resolve();
      await unblock.promise; // ignores the signal
      return stubbornArtifacts;
    });
    const first = await startWorker(stubborn);

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id });
    await started.promise;

    try {
      expect(await shutdownWorker(first.worker, 50, logger, { abortWaitMs: 50 })).toBe("abandoned");
      expect(logs).toContainEqual(
        expect.objectContaining({ msg: "handlers ignored the abort; giving up on closing" }),
      );
      expect(await queue.getJobState(build.id)).toBe("prioritized");

      await startWorker(testRunner(() => Promise.resolve(artifactSet("second"))));
      await vi.waitFor(
        async () => expect(await queue.getJobState(build.id)).toBe("completed"),
        waitLong,
      );
      expect(await getBuild(build.id)).toMatchObject({ status: "SUCCEEDED", attempt: 2 });
    } finally {
      // Let the stubborn runner return so its worker can finish closing.
      unblock.resolve();
    }
    await vi.waitFor(() => expect(stubborn.discarded).toEqual([stubbornArtifacts]), waitLong);
    expect((await listArtifacts(db, build.id)).map((row) => row.name).sort()).toEqual([
      "second.img.zst",
      "second.sha256",
    ]);
  });

  it("runs the build again on another worker as attempt 2 when its worker stops renewing the lock", async () => {
    const { queue, startWorker, makeBuild, getBuild, db, logs } = fixture();
    const started = deferred();
    const unblock = deferred();
    const lostArtifacts = artifactSet("lost");
    const lost = testRunner(async () => {
      started.resolve();
      await unblock.promise;
      return lostArtifacts;
    });
    const first = await startWorker(lost, { locks: SHORT_LOCKS });

    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id });
    await started.promise;

    try {
      // A forced close stops renewing the lock without waiting for the job: as if the process hung.
      const died = performance.now();
      void first.worker.close(true);
      await startWorker(
        testRunner(() => Promise.resolve(artifactSet("taken-over"))),
        { locks: SHORT_LOCKS },
      );
      await vi.waitFor(
        async () => expect(await queue.getJobState(build.id)).toBe("completed"),
        waitLong,
      );
      console.log(
        `lock ${SHORT_LOCKS.lockDuration} ms, stalled check every ${SHORT_LOCKS.stalledInterval} ms: ` +
          `another worker completed the build ${Math.round(performance.now() - died)} ms after the first stopped`,
      );
      expect(await getBuild(build.id)).toMatchObject({
        status: "SUCCEEDED",
        attempt: 2,
        workerId: "worker-2",
      });
      expect(logs).toContainEqual(
        expect.objectContaining({ msg: expect.stringMatching(/^job stalled/) as string }),
      );
    } finally {
      unblock.resolve();
    }
    // The first attempt's result arrives after the build ended: it is not recorded.
    await vi.waitFor(() => expect(lost.discarded).toEqual([lostArtifacts]), waitLong);
    expect((await listArtifacts(db, build.id)).map((row) => row.name).sort()).toEqual([
      "taken-over.img.zst",
      "taken-over.sha256",
    ]);
  });
});
