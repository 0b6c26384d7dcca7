import { randomUUID } from "node:crypto";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { uniquePrefix } from "@bbos/test-utils";

import { openRedis, removeKeys, startRedisProxy, type TestRedis } from "../test/redis-fixtures.ts";
import { createBuildLogWriter } from "./build-log-writer.ts";
import { buildLogChannel, buildLogKey, readBuildLog } from "./build-log.ts";

describe("createBuildLogWriter", () => {
  let redis: TestRedis;
  let prefix: string;
  let buildId: string;
  let key: string;

  beforeEach(async () => {
    redis = await openRedis();
    prefix = uniquePrefix();
    buildId = randomUUID();
    key = buildLogKey(prefix, buildId);
  });

  afterEach(async () => {
    await removeKeys(redis, prefix);
    await redis[Symbol.asyncDispose]();
  });

  const ids = async () => (await redis.xrange(key, "-", "+")).map(([id]) => id);

  it("continues the numbering when another writer opens the same build", async () => {
    const first = await createBuildLogWriter(redis, { prefix, buildId });
    first.append("one\ntwo\nthree\n");
    await first.end();
    expect(first.lastSeq).toBe(3);

    // A retry of the build, in another worker.
    const second = await createBuildLogWriter(redis, { prefix, buildId });
    expect(second.lastSeq).toBe(3);
    second.append("four");
    second.append("five", "err");
    await second.flush();
    // A third attempt after the second died without end().
    const third = await createBuildLogWriter(redis, { prefix, buildId });
    third.append("six", "sys");
    await third.end();

    expect(await ids()).toEqual(["1-0", "2-0", "3-0", "3-1", "4-0", "5-0", "6-0", "6-1"]);
    const page = await readBuildLog(redis, { prefix, buildId, after: 0 });
    expect(page.lines.map(({ seq, stream, text }) => [seq, stream, text])).toEqual([
      [1, "out", "one"],
      [2, "out", "two"],
      [3, "out", "three"],
      [4, "out", "four"],
      [5, "err", "five"],
      [6, "sys", "six"],
    ]);
    expect(page).toMatchObject({ ended: true, firstAvailableSeq: 1 });
    // The end of an earlier attempt is not the end of the log.
    expect(await readBuildLog(redis, { prefix, buildId, after: 2 })).toMatchObject({
      ended: true,
    });
    expect(await readBuildLog(redis, { prefix, buildId, after: 0, limit: 4 })).toMatchObject({
      lines: [{ seq: 1 }, { seq: 2 }, { seq: 3 }],
      ended: false,
    });
  });

  it("stores ANSI escapes and unicode byte for byte", async () => {
    const lines = [
      "\u001b[1;31merror:\u001b[0m build failed \u001b[38;5;208m(orange)\u001b[0m",
      "progress 10%\rprogress 100%\u001b[K",
      "Grüße, 日本語, emoji 🚀👩‍👩‍👧, combining e\u0301, RTL שלום",
      "\ttab, NUL \u0000 inside, trailing spaces   ",
      "",
      "\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007",
    ];
    const writer = await createBuildLogWriter(redis, { prefix, buildId, now: () => 1_700_000 });
    for (const line of lines) writer.append(line);
    await writer.end();

    const stored = await redis.xrangeBuffer(key, "-", "+");
    const texts = stored.flatMap(([, fields]) => {
      const at = fields.findIndex((field) => field.toString() === "l");
      return at === -1 ? [] : [fields[at + 1]];
    });
    expect(texts).toEqual(lines.map((line) => Buffer.from(line, "utf8")));
    const page = await readBuildLog(redis, { prefix, buildId, after: 0 });
    expect(page.lines.map(({ text }) => text)).toEqual(lines);
    expect(page.lines.every(({ at }) => at === 1_700_000)).toBe(true);
  });

  it("redacts every line before it is buffered, so the secret never reaches Redis", async () => {
    const secret = "hunter2-s3cr3t";
    const seen: string[] = [];
    const writer = await createBuildLogWriter(redis, {
      prefix,
      buildId,
      redact: (line) => {
        seen.push(line);
        return line.replaceAll(secret, "***");
      },
    });
    writer.append(`export TOKEN=${secret}\nclone https://x:${secret}@git.example\n`);
    writer.append(`${secret}${secret}`, "err");
    // Redaction happened in append, before anything was written.
    expect(seen).toHaveLength(3);
    await writer.end();

    const raw = Buffer.concat(
      (await redis.xrangeBuffer(key, "-", "+")).flatMap(([id, fields]) => [id, ...fields]),
    );
    expect(raw.includes(secret)).toBe(false);
    const page = await readBuildLog(redis, { prefix, buildId, after: 0 });
    expect(page.lines.map(({ text }) => text)).toEqual([
      "export TOKEN=***",
      "clone https://x:***@git.example",
      "******",
    ]);
  });

  it("writes a pipeline per batch and publishes the build id after each", async () => {
    await using subscriber = await openRedis();
    const messages: string[] = [];
    subscriber.on("message", (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(buildLogChannel(prefix));

    const writer = await createBuildLogWriter(redis, { prefix, buildId, maxBatch: 500 });
    for (let i = 1; i <= 1_200; i++) writer.append(`line ${i}`);
    await writer.flush();

    expect(await redis.xlen(key)).toBe(1_200);
    expect(writer.lastSeq).toBe(1_200);
    await vi.waitFor(() => expect(messages).toEqual([buildId, buildId, buildId]));
    expect(await redis.ttl(key)).toBeGreaterThan(7 * 24 * 3600 - 60);
  });

  it("writes appended lines after the flush interval without being asked", async () => {
    const writer = await createBuildLogWriter(redis, { prefix, buildId, flushIntervalMs: 10 });
    writer.append("soon");
    await vi.waitFor(async () => expect(await redis.xlen(key)).toBe(1));
    expect(writer.lastSeq).toBe(1);
  });

  it("cuts overlong lines and keeps the end marker out of the numbering", async () => {
    const writer = await createBuildLogWriter(redis, { prefix, buildId, maxLineLength: 10 });
    writer.append(`${"x".repeat(9)}🚀tail`);
    await writer.end();
    writer.append("after the end is dropped");
    await writer.end();

    const page = await readBuildLog(redis, { prefix, buildId, after: 0 });
    expect(page.lines.map(({ text }) => text)).toEqual([
      `${"x".repeat(9)} … [6 more characters cut]`,
    ]);
    expect(await ids()).toEqual(["1-0", "1-1"]);
  });

  it("never reuses a number when two writers of one build write at once", async () => {
    // A stalled job can run twice; both writers start from the same newest entry.
    const a = await createBuildLogWriter(redis, { prefix, buildId, maxBatch: 30 });
    const b = await createBuildLogWriter(redis, { prefix, buildId, maxBatch: 30 });
    for (let i = 1; i <= 100; i++) {
      a.append(`a ${i}`);
      b.append(`b ${i}`);
    }
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.end(), b.end()]);

    const { lines } = await readBuildLog(redis, { prefix, buildId, after: 0, limit: 10_000 });
    expect(lines.map(({ seq }) => seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Every line is kept once; around a conflict one writer's lines may change places.
    for (const who of ["a", "b"]) {
      const numbers = lines
        .filter(({ text }) => text.startsWith(`${who} `))
        .map(({ text }) => Number(text.slice(2)));
      expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    }
    expect(Math.max(a.lastSeq, b.lastSeq)).toBe(200);
  });
});

describe("createBuildLogWriter while Redis is unreachable", () => {
  let direct: TestRedis;
  let prefix: string;
  let buildId: string;
  let key: string;

  beforeEach(async () => {
    direct = await openRedis();
    prefix = uniquePrefix();
    buildId = randomUUID();
    key = buildLogKey(prefix, buildId);
  });

  afterEach(async () => {
    await removeKeys(direct, prefix);
    await direct[Symbol.asyncDispose]();
  });

  it("keeps buffering up to its bound, retries, and says how many lines it dropped", async () => {
    await using proxy = await startRedisProxy();
    // A fail-fast connection (as producers use): commands fail at once while disconnected.
    await using redis = await openRedis(
      { enableOfflineQueue: false, retryStrategy: () => 20 },
      proxy.url,
    );
    const writer = await createBuildLogWriter(redis, {
      prefix,
      buildId,
      maxBuffered: 100,
      flushIntervalMs: 10,
    });
    for (let i = 1; i <= 10; i++) writer.append(`before ${i}`);
    await writer.flush();

    await proxy.stop();
    await vi.waitFor(() => expect(redis.status).not.toBe("ready"));
    for (let i = 1; i <= 150; i++) writer.append(`during ${i}`);
    await expect(writer.flush()).rejects.toThrow();

    await proxy.start();
    await vi.waitFor(() => expect(redis.status).toBe("ready"), { timeout: 5_000 });
    // The background retry writes what was buffered, without a flush() call.
    await vi.waitFor(async () => expect(await direct.xlen(key)).toBe(111), { timeout: 10_000 });
    writer.append("after");
    await writer.end();

    const { lines, ended } = await readBuildLog(direct, { prefix, buildId, after: 0 });
    expect(ended).toBe(true);
    expect(lines.map(({ text }) => text)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `before ${i + 1}`),
      ...Array.from({ length: 100 }, (_, i) => `during ${i + 1}`),
      "[bbos] 50 log lines were dropped: the log store was unreachable or slow",
      "after",
    ]);
    expect(lines[110]?.stream).toBe("sys");
    expect(lines.map(({ seq }) => seq)).toEqual(Array.from({ length: 112 }, (_, i) => i + 1));
  });

  it("waits out an outage on a worker connection and loses nothing", async () => {
    await using proxy = await startRedisProxy();
    // Worker connections queue commands until Redis is back (maxRetriesPerRequest: null).
    await using redis = await openRedis(
      { maxRetriesPerRequest: null, retryStrategy: () => 20 },
      proxy.url,
    );
    const writer = await createBuildLogWriter(redis, { prefix, buildId, maxBatch: 50 });
    await proxy.stop();
    for (let i = 1; i <= 300; i++) writer.append(`line ${i}`);
    const ended = writer.end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await direct.exists(key)).toBe(0);
    await proxy.start();
    await ended;

    const { lines } = await readBuildLog(direct, { prefix, buildId, after: 0 });
    expect(lines.map(({ text }) => text)).toEqual(
      Array.from({ length: 300 }, (_, i) => `line ${i + 1}`),
    );
  });

  it("does not duplicate lines whose write landed but whose reply was lost", async () => {
    await using proxy = await startRedisProxy();
    await using redis = await openRedis(
      { maxRetriesPerRequest: null, retryStrategy: () => 20 },
      proxy.url,
    );
    const writer = await createBuildLogWriter(redis, { prefix, buildId });
    proxy.swallowReplies = true;
    for (let i = 1; i <= 20; i++) writer.append(`line ${i}`);
    const flushed = writer.flush();
    await vi.waitFor(async () => expect(await direct.xlen(key)).toBe(20));

    // The connection dies before the replies arrive; ioredis sends the XADDs again.
    proxy.swallowReplies = false;
    await proxy.stop();
    await proxy.start();
    await flushed;
    writer.append("line 21");
    await writer.end();

    expect((await direct.xrange(key, "-", "+")).map(([id]) => id)).toEqual([
      ...Array.from({ length: 21 }, (_, i) => `${i + 1}-0`),
      "21-1",
    ]);
    expect(writer.lastSeq).toBe(21);
  });
});
