// Part 2 of builds.bench.ts: build logs under load. Ten builds' log writers (createBuildLogWriter
// on one shared connection, as startBuilder shares its `commands`) are offered 500 lines/s each
// for 10 s, paced every 10 ms, while one createBuildLogFollower (as an API node holds it) follows
// each build. Every line carries its number and the time it was appended, so loss, order and
// latency are checked line by line. The reference writes the same lines with raw XADD pipelines,
// one per writer and tick, and reads them with XREAD BLOCK on a connection per stream: the least
// a Redis-stream tail can cost, without batching, pub/sub wake-ups or cursors.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import {
  createBuildLogFollower,
  createBuildLogWriter,
  createRedisConnection,
  type BuildLogWriter,
} from "@bbos/queue";
import type { Redis } from "ioredis";

import {
  createCleanup,
  epochMs,
  fixed,
  percentile,
  ratio,
  withTimeout,
  type Cleanup,
  type Row,
} from "./bench-kit.ts";

const WRITERS = 10;
const LINES_PER_SECOND = 500;
const SECONDS = 10;
const LINES_PER_WRITER = LINES_PER_SECOND * SECONDS;
const TICK_MS = 10;
/** About a build's typical output line. */
const LINE_CHARS = 100;
/** How long the readers may take after the last line was sent before lines count as lost. */
const DRAIN_TIMEOUT_MS = 20_000;

/** One way of writing and tailing ten logs. */
interface LogPath {
  /** Starts the readers; each calls `received(writer, text)` per line, in the order it reads. */
  start(received: (writer: number, text: string) => void): Promise<void>;
  /** Hands one tick's lines of one writer over; must not wait. */
  send(writer: number, lines: readonly string[]): void;
  /** Writes what is left and ends every log. */
  finish(): Promise<void>;
  /** Resolves once every reader has seen its log's end. */
  readersDone(): Promise<void>;
  /** Stops the readers and closes connections; safe to call twice. */
  close(): Promise<void>;
}

/** What one run of a path measured. */
interface LogResult {
  sent: number;
  received: number;
  /** Lines that arrived twice or out of order. */
  misordered: number;
  /** Lines per second the senders achieved (they fall behind when the event loop is busy). */
  offered: number;
  /** Lines received per second, from the first send to the last receipt. */
  throughput: number;
  latencies: number[];
  /** User + system CPU of this process per 1000 lines, ms. */
  cpuPer1000: number;
}

function lineText(writer: number, n: number): string {
  const head = `${writer} ${n} ${epochMs().toFixed(3)} `;
  return head.padEnd(LINE_CHARS, "x");
}

async function drive(path: LogPath): Promise<LogResult> {
  const next = Array.from({ length: WRITERS }, () => 1);
  const latencies: number[] = [];
  let received = 0;
  let misordered = 0;
  let lastReceivedAt = 0;
  await path.start((writer, text) => {
    const at = epochMs();
    const [, n, sentAt] = text.split(" ");
    if (Number(n) === next[writer]) next[writer] = Number(n) + 1;
    else misordered += 1;
    latencies.push(at - Number(sentAt));
    received += 1;
    lastReceivedAt = at;
  });

  const cpuBefore = process.cpuUsage();
  const sent = Array.from({ length: WRITERS }, () => 0);
  const startedAt = epochMs();
  let lastSentAt = startedAt;
  for (;;) {
    const due = Math.min(
      LINES_PER_WRITER,
      Math.floor(((epochMs() - startedAt) / 1000) * LINES_PER_SECOND),
    );
    for (let writer = 0; writer < WRITERS; writer++) {
      const lines: string[] = [];
      while ((sent[writer] ?? 0) < due) {
        sent[writer] = (sent[writer] ?? 0) + 1;
        lines.push(lineText(writer, sent[writer] ?? 0));
      }
      if (lines.length > 0) {
        path.send(writer, lines);
        lastSentAt = epochMs();
      }
    }
    if (due === LINES_PER_WRITER) break;
    await sleep(TICK_MS);
  }
  await path.finish();
  // Lines still missing after the timeout count as lost.
  await withTimeout(
    path.readersDone(),
    DRAIN_TIMEOUT_MS,
    "the readers to reach every log's end",
  ).catch((error: unknown) => console.error(String(error)));
  const cpu = process.cpuUsage(cpuBefore);
  const total = WRITERS * LINES_PER_WRITER;
  return {
    sent: total,
    received,
    misordered,
    offered: total / ((lastSentAt - startedAt) / 1000),
    throughput: received / ((lastReceivedAt - startedAt) / 1000),
    latencies,
    cpuPer1000: (cpu.user + cpu.system) / 1000 / (total / 1000),
  };
}

function bbosPath(redisUrl: string, prefix: string): LogPath {
  const ids = Array.from({ length: WRITERS }, () => randomUUID());
  const writerRedis = createRedisConnection(redisUrl, { role: "worker" });
  const redis = createRedisConnection(redisUrl, { role: "worker" });
  const subscriber = createRedisConnection(redisUrl, { role: "worker" });
  const controller = new AbortController();
  let writers: BuildLogWriter[] = [];
  let follows: Promise<void>[] = [];
  let close: (() => Promise<void>) | null = null;
  return {
    async start(received) {
      writers = await Promise.all(
        ids.map((buildId) => createBuildLogWriter(writerRedis, { prefix, buildId })),
      );
      const follower = await createBuildLogFollower({ subscriber, redis, prefix });
      close = () => follower.close();
      follows = ids.map(async (buildId, writer) => {
        for await (const line of follower.follow(buildId, 0, controller.signal)) {
          received(writer, line.text);
        }
      });
    },
    send(writer, lines) {
      // One append per line, as the recipe runner appends each line a container printed.
      for (const line of lines) writers[writer]?.append(line, "out");
    },
    async finish() {
      await Promise.all(writers.map((writer) => writer.end()));
    },
    async readersDone() {
      await Promise.all(follows);
    },
    async close() {
      controller.abort();
      await close?.();
      close = null;
      for (const connection of [writerRedis, redis, subscriber]) connection.disconnect();
    },
  };
}

function referencePath(redisUrl: string, prefix: string): LogPath {
  const keys = Array.from({ length: WRITERS }, (_, i) => `${prefix}:ref:${i}:log`);
  const producer = createRedisConnection(redisUrl, { role: "worker" });
  const readers: Redis[] = keys.map(() => createRedisConnection(redisUrl, { role: "worker" }));
  const writes: Promise<unknown>[] = [];
  let reads: Promise<void>[] = [];
  let closed = false;
  return {
    start(received) {
      reads = keys.map(async (key, writer) => {
        const reader = readers[writer];
        if (!reader) return;
        let cursor = "0";
        while (!closed) {
          const reply = await reader.xread("COUNT", 1000, "BLOCK", 0, "STREAMS", key, cursor);
          for (const [id, fields] of reply?.[0]?.[1] ?? []) {
            cursor = id;
            if (fields[0] === "end") return;
            received(writer, fields[5] ?? "");
          }
        }
      });
      return Promise.resolve();
    },
    send(writer, lines) {
      const key = keys[writer] ?? "";
      const pipeline = producer.pipeline();
      const at = String(Date.now());
      for (const line of lines) {
        pipeline.xadd(key, "MAXLEN", "~", 100_000, "*", "t", at, "s", "out", "l", line);
      }
      writes.push(pipeline.exec());
    },
    async finish() {
      await Promise.all(writes);
      await Promise.all(keys.map((key) => producer.xadd(key, "*", "end", "1")));
    },
    async readersDone() {
      await Promise.all(reads);
    },
    close() {
      closed = true;
      // A blocked XREAD only ends with its connection.
      for (const connection of [producer, ...readers]) connection.disconnect();
      return Promise.resolve();
    },
  };
}

export interface LogThroughputOptions {
  redisUrl: string;
  /** Keys of both paths go under it; the caller deletes them. */
  prefix: string;
  /** Where this part registers its own cleanup too, for a signal that cuts the run short. */
  cleanup: Cleanup;
}

/** Runs part 2: the reference first, then BBOS; both close before it returns. */
export async function measureLogThroughput(
  options: LogThroughputOptions,
): Promise<{ rows: Row[]; notes: string[] }> {
  const results: LogResult[] = [];
  for (const make of [referencePath, bbosPath]) {
    const path = make(options.redisUrl, options.prefix);
    const cleanup = createCleanup();
    cleanup.add("close the log path", () => path.close());
    options.cleanup.add("stop part 2", () => cleanup.run());
    try {
      results.push(await drive(path));
    } finally {
      await cleanup.run();
    }
  }
  const [reference, bbos] = results as [LogResult, LogResult];
  const figure = (
    measure: string,
    pick: (result: LogResult) => number,
    digits = 1,
    withRatio = true,
  ): Row => ({
    measure,
    bbos: fixed(pick(bbos), digits),
    reference: fixed(pick(reference), digits),
    ratio: withRatio ? ratio(pick(bbos), pick(reference)) : "—",
  });
  const lost = (result: LogResult) => result.sent - result.received;
  const rows: Row[] = [
    figure("lines sent", (r) => r.sent, 0, false),
    figure("lines lost (must be 0)", lost, 0, false),
    figure("lines duplicated or out of order", (r) => r.misordered, 0, false),
    figure("offered rate, lines/s (senders' pace)", (r) => r.offered, 0),
    figure("achieved throughput, lines/s", (r) => r.throughput, 0),
    figure("latency p50, ms (append → reader)", (r) => percentile(r.latencies, 50), 2),
    figure("latency p99, ms", (r) => percentile(r.latencies, 99), 2),
    figure("latency max, ms", (r) => percentile(r.latencies, 100), 2),
    figure("CPU of this process per 1000 lines, ms", (r) => r.cpuPer1000, 2),
  ];
  const notes = [
    `${WRITERS} logs × ${LINES_PER_SECOND} lines/s × ${SECONDS} s, ${LINE_CHARS}-character lines, paced every ${TICK_MS} ms; ratio = BBOS ÷ reference`,
    "BBOS: createBuildLogWriter (defaults: 50 ms flush interval, 500-line batches) on one connection,",
    "  createBuildLogFollower (one subscriber + one command connection) with a follow per log",
    `reference: XADD MAXLEN ~ pipelines (one per log per tick) on one connection, XREAD BLOCK COUNT 1000 on ${WRITERS} connections`,
    "writers and readers share this process (and its CPU figure) in both",
  ];
  return { rows, notes };
}
