// Reconciliation of PostgreSQL's builds with the BullMQ queue, against the real PostgreSQL and
// Redis. Each test has a database of its own: reconciliation looks at every unfinished build.
import { UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { transition, type BuildEvent, type BuildId } from "@bbos/core";
import { changeBuild, findBuild, type BuildRow, type Db } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import {
  BUILD_QUEUE,
  createBuildQueue,
  createRedisConnection,
  enqueueBuild,
  type BuildQueue,
} from "@bbos/queue";
import { createTestDatabase, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { createBuildFactory, type MakeBuild } from "../test/build-rows.ts";
import { reconcileBuilds } from "./reconcile.ts";

/** Past the minute a queued build may wait for its job. */
const LATER = () => new Date(Date.now() + 2 * 60_000);

type LogLine = Record<string, unknown> & { msg: string };

describe("reconcileBuilds", () => {
  let db: Db;
  let makeBuild: MakeBuild;
  let prefix: string;
  let producer: Redis;
  let queue: BuildQueue;
  let logs: LogLine[];
  let published: BuildRow[];
  const alive = new Set(["live-worker"]);
  const askedAbout: string[] = [];

  beforeEach(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 4 });
    makeBuild = await createBuildFactory(db);
    prefix = uniquePrefix();
    producer = createRedisConnection(testRedisUrl(), { role: "producer" });
    queue = createBuildQueue(producer, { prefix });
    logs = [];
    published = [];
    askedAbout.length = 0;
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await producer.quit();
    await db.$disconnect();
  });

  const reconcile = (now?: () => Date) =>
    reconcileBuilds({
      db,
      queue,
      isWorkerAlive: (workerId) => {
        askedAbout.push(workerId);
        return Promise.resolve(alive.has(workerId));
      },
      log: pino(
        { level: "debug" },
        { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
      ),
      published: (build) => void published.push(build),
      ...(now ? { now } : {}),
    });

  async function getBuild(id: BuildId): Promise<BuildRow> {
    const build = await findBuild(db, id);
    if (!build) throw new Error(`build ${id} is missing`);
    return build;
  }

  async function apply(id: BuildId, event: BuildEvent): Promise<void> {
    const changed = await changeBuild(db, id, (state) => transition(state, event));
    if (!changed?.ok) throw new Error(`could not apply ${event.type} to build ${id}`);
  }

  /** Runs the build's job on a bare BullMQ worker that never records anything on the build. */
  async function finishJobWithoutTheBuild(buildId: BuildId, outcome: "fail" | "complete") {
    await enqueueBuild(queue, { buildId });
    const connection = createRedisConnection(testRedisUrl(), { role: "worker" });
    const worker = new Worker(
      BUILD_QUEUE,
      () =>
        outcome === "fail"
          ? Promise.reject(new UnrecoverableError("job stalled more than allowable limit"))
          : Promise.resolve(),
      { connection, prefix },
    );
    try {
      const expected = outcome === "fail" ? "failed" : "completed";
      for (let i = 0; (await queue.getJobState(buildId)) !== expected; i += 1) {
        if (i > 500) throw new Error(`job ${buildId} did not become ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await worker.close();
      await connection.quit();
    }
  }

  it("queues again a QUEUED build older than the grace whose job is missing", async () => {
    const build = await makeBuild();

    const done = await reconcile(LATER);

    expect(done).toEqual(new Map([[build.id, "requeued"]]));
    expect(await queue.getJobState(build.id)).toBe("prioritized");
    expect((await queue.getJob(build.id))?.data).toEqual({ buildId: build.id });
    expect(await getBuild(build.id)).toMatchObject({
      status: "QUEUED",
      errorMessage: "its job was lost from the queue",
    });
    expect(published.map((row) => [row.id, row.status])).toEqual([[build.id, "QUEUED"]]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: "build had no job in the queue: queued it again",
        buildId: build.id,
      }),
    );

    // Its job exists now: a second pass leaves it alone.
    expect(await reconcile(LATER)).toEqual(new Map());
  });

  it("leaves a QUEUED build younger than the grace alone: its job may be on the way", async () => {
    const build = await makeBuild();

    expect(await reconcile()).toEqual(new Map());

    expect(await queue.getJobState(build.id)).toBe("unknown");
    expect(await getBuild(build.id)).toMatchObject({ status: "QUEUED", errorMessage: null });
    expect(published).toEqual([]);
  });

  it("leaves alone a build whose job is still in the queue", async () => {
    const build = await makeBuild();
    await enqueueBuild(queue, { buildId: build.id });

    expect(await reconcile(LATER)).toEqual(new Map());
    expect(await getBuild(build.id)).toMatchObject({ status: "QUEUED", errorMessage: null });
  });

  it("puts a RUNNING build whose worker is dead and whose job is missing back in the queue", async () => {
    const build = await makeBuild();
    await apply(build.id, { type: "start", workerId: "dead-worker", at: new Date() });

    const done = await reconcile();

    expect(done).toEqual(new Map([[build.id, "requeued"]]));
    expect(askedAbout).toEqual(["dead-worker"]);
    expect(await queue.getJobState(build.id)).toBe("prioritized");
    // The next worker's start makes it attempt 2.
    expect(await getBuild(build.id)).toMatchObject({
      status: "QUEUED",
      attempt: 1,
      workerId: null,
      errorMessage: "its job was lost from the queue",
    });
  });

  it("leaves alone a RUNNING build whose job is missing while its worker is alive", async () => {
    const build = await makeBuild();
    await apply(build.id, { type: "start", workerId: "live-worker", at: new Date() });
    const before = await getBuild(build.id);

    expect(await reconcile(LATER)).toEqual(new Map());

    expect(askedAbout).toEqual(["live-worker"]);
    expect(await queue.getJobState(build.id)).toBe("unknown");
    expect(await getBuild(build.id)).toEqual(before);
  });

  it("ends as CANCELED, without a new job, a lost RUNNING build whose cancel was requested", async () => {
    const build = await makeBuild();
    await apply(build.id, { type: "start", workerId: "dead-worker", at: new Date() });
    await apply(build.id, { type: "requestCancel", at: new Date() });

    expect(await reconcile()).toEqual(new Map());

    expect(await queue.getJobState(build.id)).toBe("unknown");
    expect(await getBuild(build.id)).toMatchObject({
      status: "CANCELED",
      errorMessage: "canceled by request",
    });
    expect(published.map((row) => row.status)).toEqual(["CANCELED"]);
  });

  it("fails a build whose job failed without the build recording it, with the job's reason", async () => {
    const build = await makeBuild();
    await apply(build.id, { type: "start", workerId: "dead-worker", at: new Date() });
    await finishJobWithoutTheBuild(build.id, "fail");

    const done = await reconcile();

    expect(done).toEqual(new Map([[build.id, "failed"]]));
    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      errorMessage: "job stalled more than allowable limit",
      finishedAt: expect.any(Date) as Date,
    });
    expect(published.map((row) => row.status)).toEqual(["FAILED"]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: "build's job ended without it: failed the build",
        reason: "job stalled more than allowable limit",
      }),
    );
  });

  it("fails a build whose job completed without the build recording an end", async () => {
    const build = await makeBuild();
    await finishJobWithoutTheBuild(build.id, "complete");

    expect(await reconcile()).toEqual(new Map([[build.id, "failed"]]));

    expect(await getBuild(build.id)).toMatchObject({
      status: "FAILED",
      errorMessage: "its job completed without the build recording an end",
    });
  });

  it("does not look at builds that have ended", async () => {
    const build = await makeBuild();
    await apply(build.id, { type: "requestCancel", at: new Date() });

    expect(await reconcile(LATER)).toEqual(new Map());
    expect(await queue.getJobState(build.id)).toBe("unknown");
  });
});
