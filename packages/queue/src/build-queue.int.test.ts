import { randomUUID } from "node:crypto";

import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { createBuildQueue, enqueueBuild, type BuildQueue } from "./build-queue.ts";
import { createRedisConnection } from "./connection.ts";
import { BUILD_QUEUE, BUILD_RUN_JOB } from "./names.ts";

describe("enqueueBuild", () => {
  let connection: Redis;
  let queue: BuildQueue;

  beforeEach(() => {
    connection = createRedisConnection(testRedisUrl(), { role: "producer" });
    queue = createBuildQueue(connection, { prefix: uniquePrefix() });
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });

  it("adds one build.run job keyed by the build id, with retries and retention", async () => {
    const buildId = randomUUID();
    const job = await enqueueBuild(queue, { buildId, requestedBy: "user-1" });

    expect(queue.name).toBe(BUILD_QUEUE);
    expect(job.id).toBe(buildId);
    expect(job.name).toBe(BUILD_RUN_JOB);
    expect(job.data).toEqual({ buildId, requestedBy: "user-1" });
    expect(job.opts.attempts).toBe(3);
    expect(job.opts.backoff).toMatchObject({ type: "exponential" });
    expect(job.opts.removeOnComplete).toBeTruthy();
    expect(job.opts.removeOnFail).toBeTruthy();
    // Every build job has a priority (see the next test), so it waits among the prioritized.
    expect(await queue.getJobState(buildId)).toBe("prioritized");
  });

  it("runs builds of higher priority first, then in the order they were queued", async () => {
    const low = randomUUID();
    const normal1 = randomUUID();
    const normal2 = randomUUID();
    const urgent = randomUUID();
    await enqueueBuild(queue, { buildId: low }, { priority: -5 });
    await enqueueBuild(queue, { buildId: normal1 });
    await enqueueBuild(queue, { buildId: normal2 });
    await enqueueBuild(queue, { buildId: urgent }, { priority: 100 });
    const order = (await queue.getJobs(["prioritized"], 0, -1, true)).map((job) => job.id);
    expect(order).toEqual([urgent, normal1, normal2, low]);
    await expect(enqueueBuild(queue, { buildId: randomUUID() }, { priority: 101 })).rejects.toThrow(
      /priority must be a whole number from -100 to 100/,
    );
  });

  it("keeps a single job when the same build is enqueued twice", async () => {
    const buildId = randomUUID();
    await enqueueBuild(queue, { buildId, requestedBy: "first" });
    const again = await enqueueBuild(queue, { buildId, requestedBy: "second" });

    expect(again.id).toBe(buildId);
    expect(await queue.getJobCounts("prioritized", "waiting", "active", "delayed")).toEqual({
      prioritized: 1,
      waiting: 0,
      active: 0,
      delayed: 0,
    });
    expect((await queue.getJob(buildId))?.data.requestedBy).toBe("first");
  });

  it("refuses an invalid payload before touching Redis", async () => {
    await expect(enqueueBuild(queue, { buildId: "not-a-uuid" })).rejects.toThrow(
      /invalid build\.run payload: buildId: /,
    );
    expect(await queue.count()).toBe(0);
  });
});

describe("createRedisConnection", () => {
  it("fails producer commands at once while Redis is unreachable", async () => {
    // Port 1 is never a Redis server; without the offline queue the command must not wait for
    // a reconnect that will not come.
    const producer = createRedisConnection("redis://127.0.0.1:1", { role: "producer" });
    producer.on("error", () => {
      // Connection errors are expected here; the assertion is on the command below.
    });
    try {
      await expect(producer.ping()).rejects.toThrow(/enableOfflineQueue/);
    } finally {
      producer.disconnect();
    }
  });

  it("gives workers a connection BullMQ accepts for blocking commands", () => {
    const worker = createRedisConnection("redis://127.0.0.1:1", { role: "worker" });
    worker.on("error", () => {
      // Not connected on purpose; only the options are checked.
    });
    try {
      expect(worker.options.maxRetriesPerRequest).toBeNull();
    } finally {
      worker.disconnect();
    }
  });
});
