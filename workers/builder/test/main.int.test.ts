// Runs src/main.ts as a real process (through tsx), the way `npm run dev` does, to check the
// wiring: environment, the Docker engine check, PostgreSQL, the worker on Redis with the Docker
// recipe runner, boot-time reconciliation, build logs, heartbeat, and signal handling.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { findBuild, type Db } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createBuildQueue, createRedisConnection, enqueueBuild, readBuildLog } from "@bbos/queue";
import { createTestDatabase, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { createDocker, describeEngine } from "../src/docker/index.ts";
import { createBuildFactory, type MakeBuild } from "./build-rows.ts";

const builderDir = fileURLToPath(new URL("..", import.meta.url));
const waitBoot = { timeout: 30_000, interval: 50 };
const waitLong = { timeout: 15_000, interval: 50 };

type LogLine = Record<string, unknown> & { msg: string };

interface RunningMain {
  child: ChildProcess;
  output: () => string;
  /** The JSON log lines printed so far. */
  lines: () => LogLine[];
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

function startMain(env: Record<string, string>): RunningMain {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: builderDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const lines = () =>
    output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as LogLine);
  return { child, output: () => output, lines };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

let databaseUrl: string;
let db: Db;
let makeBuild: MakeBuild;
let engineVersion: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  db = createDb({ url: databaseUrl, maxConnections: 2 });
  makeBuild = await createBuildFactory(db);
  engineVersion = (await describeEngine(createDocker(process.env.DOCKER_HOST || undefined)))
    .version;
});
afterAll(() => db?.$disconnect());

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh prefix and data directory, with the queue and Redis keys removed after the test. */
async function installation() {
  const prefix = uniquePrefix();
  const dataDir = await mkdtemp(join(tmpdir(), "bbos-builder-main-"));
  const producer = createRedisConnection(testRedisUrl(), { role: "producer" });
  const redis = new Redis(testRedisUrl());
  const queue = createBuildQueue(producer, { prefix });
  cleanups.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    // Build logs and heartbeats live beside the queue under the same prefix (this test's own).
    for await (const keys of redis.scanStream({
      match: `${prefix}:*`,
      count: 1000,
    }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
    await Promise.all([producer.quit(), redis.quit()]);
    await rm(dataDir, { recursive: true, force: true });
  });
  return { prefix, dataDir, queue, redis };
}

describe("builder main", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "checks the Docker engine, runs builds from the queue and from reconciliation, and exits 0 on %s",
    async (signal) => {
      const { prefix, dataDir, queue, redis } = await installation();
      // A build the API recorded two minutes ago whose job Redis lost: reconciliation at boot
      // queues it again. Both builds name a recipe this worker lacks, which fails them at once.
      const lost = await makeBuild({ recipe: "no-such-recipe" });
      await db.build.update({
        where: { id: lost.id },
        data: { queuedAt: new Date(Date.now() - 120_000) },
      });

      const started = performance.now();
      const main = startMain({
        DATABASE_URL: databaseUrl,
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        DATA_DIR: dataDir,
        BUILDER_SHUTDOWN_GRACE_MS: "5000",
        LOG_LEVEL: "info",
      });
      await vi.waitFor(() => expect(main.output()).toContain('"msg":"builder ready"'), waitBoot);
      console.log(`${signal}: builder ready after ${Math.round(performance.now() - started)} ms`);

      const lines = main.lines();
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: "Docker engine answers",
          engine: expect.objectContaining({ version: engineVersion }) as object,
        }),
      );
      const ready = lines.find((line) => line.msg === "builder ready");
      expect(ready).toMatchObject({ prefix, concurrency: 1 });
      // BullMQ's `ready` event and startBuilder's own readiness come in no fixed order.
      await vi.waitFor(
        () =>
          expect(main.lines()).toContainEqual(
            expect.objectContaining({
              msg: "worker ready: connected to Redis",
              queue: "builds",
              prefix,
            }),
          ),
        waitLong,
      );
      expect(existsSync(join(dataDir, "work"))).toBe(true);
      const workerId = String(ready?.workerId);
      expect(await redis.exists(`${prefix}:worker:${workerId}`)).toBe(1);

      const enqueued = await makeBuild({ recipe: "no-such-recipe" });
      await enqueueBuild(queue, { buildId: enqueued.id });
      for (const build of [lost, enqueued]) {
        await vi.waitFor(
          async () => expect((await findBuild(db, build.id))?.status).toBe("FAILED"),
          waitLong,
        );
        expect(await findBuild(db, build.id)).toMatchObject({
          attempt: 1,
          workerId,
          errorMessage: 'this worker has no recipe "no-such-recipe"',
        });
        // The worker records the failure, then throws; BullMQ marks the job failed after that.
        await vi.waitFor(
          async () => expect(await queue.getJobState(build.id)).toBe("failed"),
          waitLong,
        );
        const log = await readBuildLog(redis, { prefix, buildId: build.id, after: 0 });
        expect(log.lines.map((line) => [line.stream, line.text])).toEqual([
          ["sys", `build ${build.id}: attempt 1 on worker ${workerId}`],
          ["sys", 'build failed: this worker has no recipe "no-such-recipe"'],
        ]);
        expect(log.ended).toBe(true);
      }

      main.child.kill(signal);
      expect(await exitCode(main.child)).toBe(0);
      expect(main.lines()).toContainEqual(
        expect.objectContaining({ msg: "shutdown requested", signal }),
      );
      expect(main.lines()).toContainEqual(
        expect.objectContaining({ msg: "builder stopped", outcome: "drained" }),
      );
      // Other workers no longer count this one as alive.
      expect(await redis.exists(`${prefix}:worker:${workerId}`)).toBe(0);
    },
  );

  it("exits non-zero, naming the endpoint, when no Docker engine answers at DOCKER_HOST", async () => {
    const { prefix, dataDir } = await installation();
    const main = startMain({
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: prefix,
      DATA_DIR: dataDir,
      DOCKER_HOST: "unix:///nonexistent.sock",
    });

    expect(await exitCode(main.child)).not.toBe(0);
    expect(main.output()).toContain(
      "no Docker engine answers at unix:///nonexistent.sock: the socket does not exist",
    );
    expect(main.output()).not.toContain("builder ready");
  });

  it("exits 1 and lists every problem when the environment is invalid", async () => {
    const main = startMain({ DATABASE_URL: "", BUILDER_CONCURRENCY: "two", LOG_LEVEL: "loud" });

    expect(await exitCode(main.child)).toBe(1);
    expect(main.output()).toContain("invalid builder configuration:");
    expect(main.output()).toContain('BUILDER_CONCURRENCY: must be a whole number (got "two")');
    expect(main.output()).toContain("LOG_LEVEL: must be one of");
    expect(main.output()).toContain("DATABASE_URL: is required");
  });
});
