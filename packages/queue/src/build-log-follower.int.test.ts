import { randomUUID } from "node:crypto";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { uniquePrefix } from "@bbos/test-utils";

import { openRedis, removeKeys, type TestRedis } from "../test/redis-fixtures.ts";
import { createBuildLogFollower, type BuildLogFollower } from "./build-log-follower.ts";
import { createBuildLogWriter, type BuildLogWriter } from "./build-log-writer.ts";
import { buildLogKey, readBuildLog, type BuildLogLine } from "./build-log.ts";

/** Collects a follow in the background; `lines` grows as lines arrive. */
function collect(iterable: AsyncIterable<BuildLogLine>) {
  const lines: BuildLogLine[] = [];
  const done = (async () => {
    for await (const line of iterable) lines.push(line);
  })();
  return { lines, done };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("createBuildLogFollower", () => {
  let redis: TestRedis;
  let subscriber: TestRedis;
  let prefix: string;
  let buildId: string;
  let follower: BuildLogFollower;
  let stop: AbortController;

  beforeEach(async () => {
    redis = await openRedis();
    subscriber = await openRedis();
    prefix = uniquePrefix();
    buildId = randomUUID();
    follower = await createBuildLogFollower({ subscriber, redis, prefix });
    stop = new AbortController();
  });

  afterEach(async () => {
    stop.abort();
    await follower.close();
    await removeKeys(redis, prefix);
    await subscriber[Symbol.asyncDispose]();
    await redis[Symbol.asyncDispose]();
  });

  const write = (writer: BuildLogWriter, from: number, to: number) => {
    for (const i of range(from, to)) writer.append(`line ${i}`);
  };

  it("replays the lines after a cursor, then yields live lines, and finishes at the end", async () => {
    const writer = await createBuildLogWriter(redis, { prefix, buildId });
    write(writer, 1, 100);
    await writer.flush();

    const follow = collect(follower.follow(buildId, 40, stop.signal));
    await vi.waitFor(() => expect(follow.lines).toHaveLength(60));
    write(writer, 101, 120);
    await vi.waitFor(() => expect(follow.lines).toHaveLength(80));
    write(writer, 121, 130);
    await writer.end();
    await follow.done;

    expect(follow.lines.map(({ seq }) => seq)).toEqual(range(41, 130));
    expect(follow.lines.map(({ text }) => text)).toEqual(range(41, 130).map((i) => `line ${i}`));
  });

  it("gives each of two concurrent followers every line once", async () => {
    await using otherSubscriber = await openRedis();
    const other = await createBuildLogFollower({ subscriber: otherSubscriber, redis, prefix });
    const writer = await createBuildLogWriter(redis, { prefix, buildId, maxBatch: 7 });
    const a = collect(follower.follow(buildId, 0, stop.signal));
    const b = collect(other.follow(buildId, 0, stop.signal));
    const c = collect(follower.follow(buildId, 0, stop.signal));
    for (const i of range(1, 1_000)) {
      writer.append(`line ${i}`);
      if (i % 13 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.end();
    await Promise.all([a.done, b.done, c.done]);
    await other.close();

    for (const { lines } of [a, b, c]) expect(lines.map(({ seq }) => seq)).toEqual(range(1, 1_000));
  });

  it("never yields a line twice or skips one while messages arrive during reads", async () => {
    // Small batches and reads: many publishes land while a read is in flight.
    const small = await createBuildLogFollower({ subscriber, redis, prefix, batchSize: 3 });
    const writer = await createBuildLogWriter(redis, {
      prefix,
      buildId,
      flushIntervalMs: 0,
      maxBatch: 2,
    });
    const follow = collect(small.follow(buildId, 0, stop.signal));
    for (const i of range(1, 2_000)) {
      writer.append(`line ${i}`, i % 2 ? "out" : "err");
      if (i % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.end();
    await follow.done;
    await small.close();

    expect(follow.lines.map(({ seq }) => seq)).toEqual(range(1, 2_000));
    expect(follow.lines[1]).toMatchObject({ seq: 2, stream: "err", text: "line 2" });
  });

  it("reports lines trimmed away after the cursor, then continues", async () => {
    const writer = await createBuildLogWriter(redis, { prefix, buildId, maxLines: 100 });
    write(writer, 1, 1_000);
    await writer.end();
    // MAXLEN ~ trims whole stream nodes, so about, never fewer than, 100 lines are kept.
    const { firstAvailableSeq } = await readBuildLog(redis, { prefix, buildId, after: 0 });
    expect(firstAvailableSeq).toBeGreaterThan(1);
    expect(firstAvailableSeq).toBeLessThanOrEqual(901);
    const first = firstAvailableSeq ?? 0;

    const follow = collect(follower.follow(buildId, 5, stop.signal));
    await follow.done;
    const [notice, ...lines] = follow.lines;
    expect(notice).toMatchObject({
      seq: first - 1,
      stream: "sys",
      text: `[bbos] ${first - 6} earlier log lines are no longer available`,
    });
    expect(lines.map(({ seq }) => seq)).toEqual(range(first, 1_000));
  });

  it("waits for a log that does not exist yet", async () => {
    const follow = collect(follower.follow(buildId, 0, stop.signal));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(follow.lines).toEqual([]);

    const writer = await createBuildLogWriter(redis, { prefix, buildId });
    write(writer, 1, 3);
    await writer.end();
    await follow.done;
    expect(follow.lines.map(({ text }) => text)).toEqual(["line 1", "line 2", "line 3"]);
  });

  it("finishes quietly when the signal aborts or the follower closes", async () => {
    const aborted = collect(follower.follow(buildId, 0, stop.signal));
    const closing = collect(follower.follow(buildId, 0, new AbortController().signal));
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort();
    await aborted.done;
    await follower.close();
    await closing.done;
    expect([aborted.lines, closing.lines]).toEqual([[], []]);
  });

  it("re-reads on a timer when a message was missed", async () => {
    const polling = await createBuildLogFollower({
      subscriber,
      redis,
      prefix,
      rereadIntervalMs: 50,
    });
    const follow = collect(polling.follow(buildId, 0, stop.signal));
    // Written without the publish a writer sends, as if the message had been lost.
    const key = buildLogKey(prefix, buildId);
    await redis.xadd(key, "1-0", "t", String(Date.now()), "s", "out", "l", "quiet");
    await redis.xadd(key, "1-1", "end", "1");
    await follow.done;
    await polling.close();
    expect(follow.lines.map(({ text }) => text)).toEqual(["quiet"]);
  });

  it("finishes at once for a log that already ended", async () => {
    const writer = await createBuildLogWriter(redis, { prefix, buildId });
    write(writer, 1, 5);
    await writer.end();
    const follow = collect(follower.follow(buildId, 5, stop.signal));
    await follow.done;
    expect(follow.lines).toEqual([]);
  });
});
