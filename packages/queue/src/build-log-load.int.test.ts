// Ten builds write at full speed while a follower tails each one: every line must arrive once
// and in order. Prints throughput, end-to-end latency and the worst event-loop stall, measured
// in this one process (writers and followers share the CPU, as they would not in production).
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { uniquePrefix } from "@bbos/test-utils";

import { openRedis, removeKeys, type TestRedis } from "../test/redis-fixtures.ts";
import { createBuildLogFollower } from "./build-log-follower.ts";
import { createBuildLogWriter } from "./build-log-writer.ts";
import { buildLogKey, type BuildLogLine } from "./build-log.ts";

const BUILDS = 10;
const LINES = 5_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

describe("build logs under load", () => {
  let redis: TestRedis;
  let subscriber: TestRedis;
  let prefix: string;

  beforeEach(async () => {
    redis = await openRedis();
    subscriber = await openRedis();
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await removeKeys(redis, prefix);
    await subscriber[Symbol.asyncDispose]();
    await redis[Symbol.asyncDispose]();
  });

  it("delivers every line of 10 concurrent builds once, in order, to a follower each", async () => {
    const buildIds = Array.from({ length: BUILDS }, () => randomUUID());
    // One command connection per writer, as each build runs in its own worker.
    const connections = await Promise.all(buildIds.map(() => openRedis()));
    const follower = await createBuildLogFollower({ subscriber, redis, prefix });
    const stop = new AbortController();
    const latencies: number[] = [];
    const received = new Map<string, BuildLogLine[]>();

    const follows = buildIds.map(async (buildId) => {
      const lines: BuildLogLine[] = [];
      received.set(buildId, lines);
      for await (const line of follower.follow(buildId, 0, stop.signal)) {
        latencies.push(Date.now() - line.at);
        lines.push(line);
      }
    });

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const writes = buildIds.map(async (buildId, b) => {
      const writer = await createBuildLogWriter(connections[b] as TestRedis, { prefix, buildId });
      for (let i = 1; i <= LINES; i++) {
        writer.append(`\u001b[32mstep ${i}\u001b[0m build ${b}: compiling module-${i}.c … ok ✓`);
        // Output arrives in chunks; between them the event loop turns, as with a child process.
        if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await writer.end();
    });
    await Promise.all(writes);
    const written = performance.now();
    await Promise.all(follows);
    const delivered = performance.now();
    loop.disable();
    await follower.close();
    await Promise.all(connections.map((connection) => connection[Symbol.asyncDispose]()));

    for (const [b, buildId] of buildIds.entries()) {
      const lines = received.get(buildId) ?? [];
      expect(lines.map(({ seq }) => seq)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
      expect(lines.every(({ text, seq }) => text.includes(`step ${seq}\u001b`))).toBe(true);
      expect(lines.every(({ text }) => text.includes(`build ${b}:`))).toBe(true);
      expect(await redis.xlen(buildLogKey(prefix, buildId))).toBe(LINES + 1);
    }

    const total = BUILDS * LINES;
    latencies.sort((x, y) => x - y);
    const seconds = (ms: number) => ms / 1000;
    console.log(
      [
        `build log load: ${BUILDS} builds × ${LINES} lines = ${total} lines`,
        `  written in ${(written - started).toFixed(0)} ms: ` +
          `${Math.round(total / seconds(written - started))} lines/s`,
        `  delivered to followers in ${(delivered - started).toFixed(0)} ms: ` +
          `${Math.round(total / seconds(delivered - started))} lines/s`,
        `  append → follower latency: p50 ${percentile(latencies, 0.5)} ms, ` +
          `p99 ${percentile(latencies, 0.99)} ms, max ${latencies.at(-1)} ms`,
        `  event loop delay: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, ` +
          `p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, ` +
          `max ${(loop.max / 1e6).toFixed(1)} ms`,
      ].join("\n"),
    );
  });
});
