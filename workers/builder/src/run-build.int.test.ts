// runBuild over its ports, against the real PostgreSQL: the build row is the record every
// assertion reads. The recipe runner, build logs and build updates are in-memory ports.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { transition, type BuildEvent, type BuildId } from "@bbos/core";
import {
  changeBuild,
  findBuild,
  listArtifacts,
  type BuildRow,
  type BuildWithConfigRow,
  type Db,
} from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createTestDatabase } from "@bbos/test-utils";

import {
  artifactSet,
  createBuildFactory,
  TEST_CONFIG,
  TEST_SCHEMA_ID,
  type MakeBuild,
} from "../test/build-rows.ts";
import {
  aborted,
  deferred,
  memoryBuildLogs,
  memoryUpdates,
  testRunner,
} from "../test/memory-ports.ts";
import { PermanentBuildError } from "./permanent-build-error.ts";
import { runBuild, type RecipeRunner, type RunBuildPorts } from "./run-build.ts";

let db: Db;
let makeBuild: MakeBuild;

beforeAll(async () => {
  db = createDb({ url: await createTestDatabase(), maxConnections: 4 });
  makeBuild = await createBuildFactory(db);
});
afterAll(() => db?.$disconnect());

/** The ports of one worker, `worker-a`, with memory logs and updates. */
function portsFor(runner: RecipeRunner, overrides: Partial<RunBuildPorts> = {}) {
  const logs = memoryBuildLogs();
  const updates = memoryUpdates();
  const ports: RunBuildPorts = {
    db,
    workerId: "worker-a",
    runner,
    logs: logs.logs,
    updates: updates.updates,
    jobSignal: new AbortController().signal,
    cancelSignal: new AbortController().signal,
    timeoutMs: 60_000,
    willRetry: false,
    ...overrides,
  };
  return { ports, logs, updates };
}

async function getBuild(id: BuildId): Promise<BuildRow> {
  const build = await findBuild(db, id);
  if (!build) throw new Error(`build ${id} is missing`);
  return build;
}

/** Applies an event the way another worker or the API would. */
async function apply(id: BuildId, event: BuildEvent): Promise<BuildRow> {
  const changed = await changeBuild(db, id, (state) => transition(state, event));
  if (!changed?.ok) throw new Error(`could not apply ${event.type} to build ${id}`);
  return changed.build;
}

const storageKeys = async (id: BuildId) =>
  (await listArtifacts(db, id)).map((artifact) => artifact.storageKey).sort();

describe("runBuild", () => {
  it("runs a queued build to SUCCEEDED, giving the runner the build and its config, and records its artifacts", async () => {
    const build = await makeBuild();
    const artifacts = artifactSet("ok");
    const seen: BuildWithConfigRow[] = [];
    const at = new Date("2030-01-02T03:04:05.000Z");
    const runner = testRunner((running, { log }) => {
      seen.push(running);
      log.append("compiling");
      log.append("a warning", "err");
      return Promise.resolve(artifacts);
    });
    const { ports, logs, updates } = portsFor(runner, { now: () => at });

    expect(await runBuild(build.id, ports)).toBe("succeeded");

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      id: build.id,
      status: "RUNNING",
      attempt: 1,
      workerId: "worker-a",
      schemaId: TEST_SCHEMA_ID,
      config: TEST_CONFIG,
    });
    expect(await getBuild(build.id)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 1,
      workerId: "worker-a",
      progress: 1,
      errorMessage: null,
      startedAt: at,
      finishedAt: at,
    });
    expect(await storageKeys(build.id)).toEqual(
      artifacts.map((artifact) => artifact.storageKey).sort(),
    );
    expect(updates.statusesOf(build.id)).toEqual(["RUNNING", "SUCCEEDED"]);
    expect(logs.of(build.id)).toEqual([
      ["sys", `build ${build.id}: attempt 1 on worker worker-a`],
      ["out", "compiling"],
      ["err", "a warning"],
      ["sys", "build succeeded"],
    ]);
    expect(logs.closesOf(build.id)).toEqual([true]);
    expect(runner.discarded).toEqual([]);
  });

  it("skips a redelivered job of a build that has already succeeded: no second end, no second artifact set", async () => {
    const build = await makeBuild();
    const first = portsFor(testRunner(() => Promise.resolve(artifactSet("first"))));
    expect(await runBuild(build.id, first.ports)).toBe("succeeded");
    const ended = await getBuild(build.id);
    const keys = await storageKeys(build.id);

    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve(artifactSet("second")));
    const again = portsFor(testRunner(run), { workerId: "worker-b" });
    expect(await runBuild(build.id, again.ports)).toBe("skipped");

    expect(run).not.toHaveBeenCalled();
    expect(await getBuild(build.id)).toEqual(ended);
    expect(await storageKeys(build.id)).toEqual(keys);
    expect(again.updates.published).toEqual([]);
    expect(again.logs.lines).toEqual([]);
    expect(again.logs.closes).toEqual([]);
  });

  it("skips a build canceled while it was queued, without running it", async () => {
    const build = await makeBuild();
    await apply(build.id, { type: "requestCancel", at: new Date() });
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve([]));
    const { ports, updates } = portsFor(testRunner(run));

    expect(await runBuild(build.id, ports)).toBe("skipped");

    expect(run).not.toHaveBeenCalled();
    expect(await getBuild(build.id)).toMatchObject({ status: "CANCELED", attempt: 0 });
    expect(updates.published).toEqual([]);
  });

  it("ends as CANCELED, without running it, a build whose cancel was asked for while no worker ran it", async () => {
    const build = await makeBuild();
    // Its worker died while RUNNING; the cancel request found nobody to stop.
    await apply(build.id, { type: "start", workerId: "dead-worker", at: new Date() });
    await apply(build.id, { type: "requestCancel", at: new Date() });
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve([]));
    const { ports, updates } = portsFor(testRunner(run));

    expect(await runBuild(build.id, ports)).toBe("skipped");

    expect(run).not.toHaveBeenCalled();
    expect(await getBuild(build.id)).toMatchObject({
      status: "CANCELED",
      errorMessage: "canceled by request",
    });
    expect(updates.statusesOf(build.id)).toEqual(["CANCELED"]);
  });

  it("records QUEUED and rethrows a transient error when the job will be retried, then succeeds on the retry", async () => {
    const build = await makeBuild();
    const transient = new Error("registry timeout");
    const failing = portsFor(
      testRunner(() => Promise.reject(transient)),
      { willRetry: true },
    );

    await expect(runBuild(build.id, failing.ports)).rejects.toBe(transient);

    expect(await getBuild(build.id)).toMatchObject({
      status: "QUEUED",
      attempt: 1,
      workerId: null,
      errorMessage: "registry timeout",
      finishedAt: null,
    });
    expect(failing.updates.statusesOf(build.id)).toEqual(["RUNNING", "QUEUED"]);
    expect(failing.logs.of(build.id).at(-1)).toEqual([
      "sys",
      "attempt failed, will retry: registry timeout",
    ]);
    // The build has not ended: its log stays open for the next attempt.
    expect(failing.logs.closesOf(build.id)).toEqual([false]);

    const retry = portsFor(
      testRunner(() => Promise.resolve(artifactSet("retry"))),
      { workerId: "worker-b" },
    );
    expect(await runBuild(build.id, retry.ports)).toBe("succeeded");
    expect(await getBuild(build.id)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 2,
      workerId: "worker-b",
      errorMessage: null,
    });
    expect(retry.logs.closesOf(build.id)).toEqual([true]);
  });

  it("records FAILED when a transient error will not be retried, and throws it as permanent", async () => {
    const build = await makeBuild();
    const transient = new Error("registry timeout");
    const { ports, logs, updates } = portsFor(
      testRunner(() => Promise.reject(transient)),
      {
        willRetry: false,
      },
    );

    const error = await runBuild(build.id, ports).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PermanentBuildError);
    expect(error).toMatchObject({ message: "registry timeout", cause: transient });
    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      attempt: 1,
      errorMessage: "registry timeout",
      finishedAt: expect.any(Date) as Date,
    });
    expect(updates.statusesOf(build.id)).toEqual(["RUNNING", "FAILED"]);
    expect(logs.of(build.id).at(-1)).toEqual(["sys", "build failed: registry timeout"]);
    expect(logs.closesOf(build.id)).toEqual([true]);
  });

  it("records FAILED with the message of a PermanentBuildError, even when the job would be retried", async () => {
    const build = await makeBuild();
    const permanent = new PermanentBuildError('this worker has no recipe "test"');
    const { ports, logs } = portsFor(
      testRunner(() => Promise.reject(permanent)),
      { willRetry: true },
    );

    await expect(runBuild(build.id, ports)).rejects.toBe(permanent);

    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      errorMessage: 'this worker has no recipe "test"',
    });
    expect(logs.closesOf(build.id)).toEqual([true]);
  });

  it("fails a build that runs past its timeout, without a retry, after aborting its runner", async () => {
    const build = await makeBuild();
    const { ports } = portsFor(
      testRunner(async (_build, { signal }) => {
        throw new Error("stopped", { cause: await aborted(signal) });
      }),
      { timeoutMs: 1_000, willRetry: true },
    );

    const started = performance.now();
    const error = await runBuild(build.id, ports).catch((caught: unknown) => caught);
    const tookMs = Math.round(performance.now() - started);
    console.log(`timeout of 1000 ms: the build failed after ${tookMs} ms`);

    expect(error).toBeInstanceOf(PermanentBuildError);
    expect((error as Error).message).toBe("timed out after 1 s");
    expect(tookMs).toBeGreaterThanOrEqual(990);
    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      errorMessage: "timed out after 1 s",
    });
  });

  it("records CANCELED when the cancel signal aborts the runner", async () => {
    const build = await makeBuild();
    const cancel = new AbortController();
    const started = deferred();
    let reason: unknown;
    const { ports, logs, updates } = portsFor(
      testRunner(async (_build, { signal }) => {
        started.resolve();
        reason = await aborted(signal);
        throw new Error("container stopped");
      }),
      { cancelSignal: cancel.signal, willRetry: true },
    );

    const run = runBuild(build.id, ports);
    await started.promise;
    cancel.abort(new Error("canceled by request"));

    expect(await run).toBe("canceled");
    expect(reason).toEqual(new Error("canceled by request"));
    expect(await getBuild(build.id)).toMatchObject({
      status: "CANCELED",
      errorMessage: "canceled by request",
      finishedAt: expect.any(Date) as Date,
    });
    expect(updates.statusesOf(build.id)).toEqual(["RUNNING", "CANCELED"]);
    expect(logs.of(build.id).at(-1)).toEqual(["sys", "build canceled"]);
    expect(logs.closesOf(build.id)).toEqual([true]);
  });

  it("finds a cancel request on the build row when no message arrives", async () => {
    const build = await makeBuild();
    const started = deferred();
    const { ports } = portsFor(
      testRunner(async (_build, { signal }) => {
        started.resolve();
        await aborted(signal);
        throw new Error("container stopped");
      }),
      { cancelPollMs: 100 },
    );

    const run = runBuild(build.id, ports);
    await started.promise;
    // The API records the request; its pub/sub message is lost (nothing aborts cancelSignal).
    const asked = performance.now();
    await apply(build.id, { type: "requestCancel", at: new Date() });

    expect(await run).toBe("canceled");
    console.log(
      `cancel found on the row after ${Math.round(performance.now() - asked)} ms (poll 100 ms)`,
    );
    expect(await getBuild(build.id)).toMatchObject({ status: "CANCELED" });
  });

  it("records nothing and throws 'build released' when the job signal aborts (shutdown)", async () => {
    const build = await makeBuild();
    const job = new AbortController();
    const started = deferred();
    let reason: unknown;
    const { ports, logs, updates } = portsFor(
      testRunner(async (_build, { signal }) => {
        started.resolve();
        reason = await aborted(signal);
        throw new Error("container stopped");
      }),
      { jobSignal: job.signal, willRetry: false },
    );

    const run = runBuild(build.id, ports);
    await started.promise;
    job.abort("worker shutting down");

    await expect(run).rejects.toThrow("build released: the worker is shutting down");
    expect(reason).toBe("worker shutting down");
    // Still RUNNING on attempt 1: the next worker's start begins attempt 2.
    expect(await getBuild(build.id)).toMatchObject({
      status: "RUNNING",
      attempt: 1,
      workerId: "worker-a",
      finishedAt: null,
    });
    expect(updates.statusesOf(build.id)).toEqual(["RUNNING"]);
    expect(logs.of(build.id).at(-1)).toEqual([
      "sys",
      "worker shutting down: the build goes back to the queue",
    ]);
    expect(logs.closesOf(build.id)).toEqual([false]);
  });

  it.each([
    ["fails", false],
    ["is canceled", true],
  ])(
    "records nothing and leaves the log open when it %s after another attempt took over",
    async (_outcome, cancel) => {
      const build = await makeBuild();
      const cancelSignal = new AbortController();
      const runner = testRunner(async () => {
        await apply(build.id, { type: "start", workerId: "worker-b", at: new Date() });
        if (cancel) cancelSignal.abort(new Error("canceled by request"));
        throw new PermanentBuildError("step failed with exit code 2");
      });
      const { ports, logs } = portsFor(runner);

      const outcome = await runBuild(build.id, { ...ports, cancelSignal: cancelSignal.signal });

      expect(outcome).toBe("skipped");
      expect(await getBuild(build.id)).toMatchObject({ status: "RUNNING", attempt: 2 });
      expect(logs.of(build.id).at(-1)?.[1]).toMatch(
        /^attempt 1: result discarded: attempt 1 is no longer current/,
      );
      // No end marker: attempt 2's log goes on.
      expect(logs.closesOf(build.id)).toEqual([false]);
    },
  );

  it("discards its artifacts when another attempt took the build over before it succeeded", async () => {
    const build = await makeBuild();
    const artifacts = artifactSet("late");
    const runner = testRunner(async () => {
      // Meanwhile this worker's lock expired and another worker started the job again.
      await apply(build.id, { type: "start", workerId: "worker-b", at: new Date() });
      return artifacts;
    });
    const { ports, logs } = portsFor(runner);

    expect(await runBuild(build.id, ports)).toBe("skipped");

    expect(runner.discarded).toEqual([artifacts]);
    expect(await listArtifacts(db, build.id)).toEqual([]);
    expect(await getBuild(build.id)).toMatchObject({
      status: "RUNNING",
      attempt: 2,
      workerId: "worker-b",
    });
    expect(logs.of(build.id).at(-1)).toEqual([
      "sys",
      "attempt 1: result discarded: attempt 1 is no longer current (the build is on attempt 2)",
    ]);
    expect(logs.closesOf(build.id)).toEqual([false]);
  });

  it("writes progress one report at a time: the newest of each stage, every stage in order", async () => {
    const build = await makeBuild();
    const reports = 100;
    const { ports, updates } = portsFor(
      testRunner(async (_build, { progress }) => {
        for (let i = 1; i <= reports; i += 1)
          progress.report(i < reports ? "compile" : "image", i / 200);
        await vi.waitFor(
          async () =>
            expect(await getBuild(build.id)).toMatchObject({ stage: "image", progress: 0.5 }),
          { timeout: 5_000, interval: 10 },
        );
        return [];
      }),
    );

    expect(await runBuild(build.id, ports)).toBe("succeeded");

    const writes = updates.published.filter(
      (row) => row.status === "RUNNING" && row.stage !== null,
    );
    console.log(`${reports} progress reports in a burst: ${writes.length} writes to the build row`);
    // The first report is written at once; while it is in flight the other compile reports
    // replace each other, and the stage change to image still follows them.
    expect(writes.map((row) => [row.stage, row.progress])).toEqual([
      ["compile", 1 / 200],
      ["compile", 99 / 200],
      ["image", 0.5],
    ]);
    expect(await getBuild(build.id)).toMatchObject({
      status: "SUCCEEDED",
      stage: "image",
      progress: 1,
    });
  });

  it("refuses a build that does not exist", async () => {
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve([]));
    const { ports } = portsFor(testRunner(run));
    const missing = randomUUID() as BuildId;

    await expect(runBuild(missing, ports)).rejects.toThrow(
      new PermanentBuildError(`build ${missing} does not exist`),
    );
    expect(run).not.toHaveBeenCalled();
  });
});
