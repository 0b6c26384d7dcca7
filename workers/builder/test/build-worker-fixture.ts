import { afterEach } from "vitest";
import type { Redis } from "ioredis";
import { pino, type Logger } from "pino";

import { createBuildQueue, createRedisConnection, type BuildQueue } from "@bbos/queue";
import { testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { createBuildWorker, type BuildWorker } from "../src/build-worker.ts";
import type { RecipeRunner } from "../src/run-build.ts";

/** One pino line as an object: `msg` plus the bound fields. */
type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A queue and any number of build workers sharing one fresh BullMQ prefix. */
export interface BuilderFixture {
  prefix: string;
  queue: BuildQueue;
  logger: Logger;
  logs: LogLine[];
  /** Starts a build worker on the fixture's prefix and waits until it is connected. */
  startWorker: (
    runner: RecipeRunner | null,
    options?: { concurrency?: number },
  ) => Promise<BuildWorker>;
}

/**
 * Registers an `afterEach` that closes the fixture's workers, obliterates its queue and quits its
 * connections; call it at the top of a `describe`. Runners must have settled by the end of each
 * test, since closing a worker waits for its running jobs.
 */
export function useBuilderFixture(): () => BuilderFixture {
  let current: (BuilderFixture & { cleanup(): Promise<void> }) | undefined;

  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });

  return () => {
    current ??= createBuilderFixture();
    return current;
  };
}

function createBuilderFixture(): BuilderFixture & { cleanup(): Promise<void> } {
  const prefix = uniquePrefix();
  const producer = createRedisConnection(testRedisUrl(), { role: "producer" });
  const connections: Redis[] = [producer];
  const workers: BuildWorker[] = [];
  const queue = createBuildQueue(producer, { prefix });
  const logs: LogLine[] = [];
  const logger = pino(
    { level: "debug" },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );

  return {
    prefix,
    queue,
    logger,
    logs,
    async startWorker(runner, { concurrency = 1 } = {}) {
      const connection = createRedisConnection(testRedisUrl(), { role: "worker" });
      connections.push(connection);
      const worker = createBuildWorker({ connection, prefix, concurrency, runner, logger });
      workers.push(worker);
      await worker.waitUntilReady();
      return worker;
    },
    async cleanup() {
      // A worker that shutdownWorker already closed or disconnected resolves at once.
      await Promise.all(workers.map((worker) => worker.close()));
      await queue.obliterate({ force: true });
      await queue.close();
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  };
}

/** A promise with its resolve function outside, for runners the test steps through. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}
