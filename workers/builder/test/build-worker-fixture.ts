// A queue, build workers and build rows for the worker's integration tests: one database per
// test file, a fresh BullMQ prefix per test, in-memory build logs and updates shared by the
// test's workers (so one build's attempts on two workers read as one story).
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Redis } from "ioredis";
import { pino, type Logger } from "pino";

import type { BuildId } from "@bbos/core";
import { findBuild, type BuildRow, type Db } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createBuildQueue, createRedisConnection, type BuildQueue } from "@bbos/queue";
import { createTestDatabase, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { createBuildWorker, type BuildWorker, type DEFAULT_LOCKS } from "../src/build-worker.ts";
import { createCancelRegistry, type CancelRegistry } from "../src/cancel-registry.ts";
import type { RecipeRunner } from "../src/run-build.ts";
import { createBuildFactory, type MakeBuild } from "./build-rows.ts";
import { memoryBuildLogs, memoryUpdates } from "./memory-ports.ts";

/** One pino line as an object: `msg` plus the bound fields. */
type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A build worker of the fixture, with what its builds run through. */
interface StartedWorker {
  worker: BuildWorker;
  workerId: string;
  cancels: CancelRegistry;
}

/** Options for {@link BuilderFixture.startWorker}. */
interface StartWorkerOptions {
  /** @defaultValue `worker-1`, `worker-2`, … in start order */
  workerId?: string;
  concurrency?: number;
  locks?: Partial<typeof DEFAULT_LOCKS>;
  /** @defaultValue 60000 */
  timeoutMs?: number;
}

/** A queue and any number of build workers sharing one fresh BullMQ prefix and one database. */
export interface BuilderFixture {
  db: Db;
  makeBuild: MakeBuild;
  getBuild: (id: BuildId) => Promise<BuildRow>;
  prefix: string;
  queue: BuildQueue;
  logger: Logger;
  /** The workers' own log (pino), parsed. */
  logs: LogLine[];
  buildLogs: ReturnType<typeof memoryBuildLogs>;
  updates: ReturnType<typeof memoryUpdates>;
  /** Starts a build worker on the fixture's prefix and waits until it is connected. */
  startWorker: (runner: RecipeRunner, options?: StartWorkerOptions) => Promise<StartedWorker>;
}

/**
 * Registers hooks that open the file's database (`beforeAll`), close the test's workers,
 * obliterate its queue and quit its connections (`afterEach`), and disconnect the database
 * (`afterAll`); call it at the top of a file or `describe`. Runners must have settled by the end
 * of each test, since closing a worker waits for its running jobs.
 */
export function useBuilderFixture(): () => BuilderFixture {
  let db: Db | undefined;
  let makeBuild: MakeBuild | undefined;
  let current: (BuilderFixture & { cleanup(): Promise<void> }) | undefined;

  beforeAll(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 8 });
    makeBuild = await createBuildFactory(db);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  afterAll(() => db?.$disconnect());

  return () => {
    if (!db || !makeBuild) throw new Error("useBuilderFixture: the database is not open yet");
    current ??= createBuilderFixture(db, makeBuild);
    return current;
  };
}

function createBuilderFixture(
  db: Db,
  makeBuild: MakeBuild,
): BuilderFixture & { cleanup(): Promise<void> } {
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
  const buildLogs = memoryBuildLogs();
  const updates = memoryUpdates();

  return {
    db,
    makeBuild,
    async getBuild(id) {
      const build = await findBuild(db, id);
      if (!build) throw new Error(`build ${id} is missing`);
      return build;
    },
    prefix,
    queue,
    logger,
    logs,
    buildLogs,
    updates,
    async startWorker(runner, options = {}) {
      const workerId = options.workerId ?? `worker-${workers.length + 1}`;
      const connection = createRedisConnection(testRedisUrl(), { role: "worker" });
      connections.push(connection);
      const cancels = createCancelRegistry();
      const worker = createBuildWorker({
        connection,
        prefix,
        concurrency: options.concurrency ?? 1,
        logger: logger.child({ workerId }),
        ...(options.locks ? { locks: options.locks } : {}),
        build: {
          db,
          workerId,
          runner,
          cancels,
          logs: buildLogs.logs,
          updates: updates.updates,
          timeoutMs: options.timeoutMs ?? 60_000,
        },
      });
      workers.push(worker);
      await worker.waitUntilReady();
      return { worker, workerId, cancels };
    },
    async cleanup() {
      // A worker that shutdownWorker already closed resolves at once.
      await Promise.all(workers.map((worker) => worker.close()));
      await queue.obliterate({ force: true });
      await queue.close();
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  };
}
