// What the build path costs on this machine, each figure beside a reference measured in the same
// run: (1) a no-op build's overhead through startBuilder against `docker run` of the same image,
// (2) build-log throughput and latency against raw Redis streams, (3) hashing, storing and
// signing a 1 GiB image against sha256sum. One table per part: measure | BBOS | reference | ratio.
//   npm run bench -w @bbos/builder
// Self-sufficient, like apps/server/bench: prepares the run's migrated template database the way
// Vitest's global setup does, uses fresh Redis prefixes and labels its containers with them, and
// removes its databases, keys, containers and temporary files at the end, on failure and on
// SIGINT/SIGTERM. Needs the builder image on the engine (the tests make it; this never does).
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { createDb } from "@bbos/db/client";
import { builderImageTag } from "@bbos/recipes";
import { createTestDatabase, setupTestRun, testRedisUrl, uniquePrefix } from "@bbos/test-utils";
import { Redis } from "ioredis";

import { createDocker } from "../src/docker/index.ts";
import { measureArtifactPut } from "./artifact-put.ts";
import { createCleanup, printTable, type Row } from "./bench-kit.ts";
import { measureBuildOverhead } from "./build-overhead.ts";
import { measureLogThroughput } from "./log-throughput.ts";

/** Timed runs per figure of part 1, each side; with 10 the p90 is not simply the slowest run. */
const RUNS = 10;

/** Deletes every key under `prefix:` (a part's BullMQ queue, logs, heartbeats). */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const scan = redis.scanStream({ match: `${prefix}:*`, count: 1000 });
  for await (const keys of scan as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

function dockerServerVersion(): string {
  try {
    return execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], {
      encoding: "utf8",
    }).trim();
  } catch {
    return "unknown"; // only printed; the parts fail on their own if the engine is unreachable
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const cleanup = createCleanup();
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
  console.log(
    `builds bench: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ` +
      `load average ${one} ${five} ${fifteen} (1, 5, 15 min) at start`,
  );
  const redisUrl = testRedisUrl();
  const docker = createDocker(process.env.DOCKER_HOST);
  const image = builderImageTag();
  try {
    const tmp = await mkdtemp(join(tmpdir(), "bbos-bench-"));
    cleanup.add("remove the temporary directory", () => rm(tmp, { recursive: true, force: true }));
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    cleanup.add("disconnect from Redis", () => redis.disconnect());
    const info = await redis.info("server");
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
    console.log(
      `Node ${process.version}, Redis ${redisVersion}, Docker ${dockerServerVersion()}, image ${image}`,
    );
    await docker
      .getImage(image)
      .inspect()
      .catch((error: unknown) => {
        throw new Error(`the builder image ${image} is missing: run the builder tests once`, {
          cause: error,
        });
      });

    const prefixes: string[] = [];
    cleanup.add("delete the bench's Redis keys", async () => {
      for (const prefix of prefixes) await deleteKeys(redis, prefix);
    });
    const dropDatabases = await setupTestRun({ databases: true });
    cleanup.add("drop the bench's databases", dropDatabases);

    const parts: {
      title: string;
      measure: () => Promise<{ rows: Row[]; notes: string[] }>;
    }[] = [
      // First, while the process is fresh: its RSS figures are about the put alone.
      {
        title: "3. hash + sign + store a 1 GiB image",
        measure: () => measureArtifactPut({ tmp, cleanup }),
      },
      {
        title: "1. no-op build: enqueue → container start → SUCCEEDED (ms, median / p90)",
        measure: async () => {
          const db = createDb({ url: await createTestDatabase(), maxConnections: 4 });
          cleanup.add("disconnect from the database", () => db.$disconnect());
          const prefix = uniquePrefix();
          prefixes.push(prefix);
          return measureBuildOverhead({ db, docker, redisUrl, prefix, tmp, runs: RUNS, cleanup });
        },
      },
      {
        title: "2. build logs: 10 writers × 500 lines/s for 10 s, a follow on each",
        measure: () => {
          const prefix = uniquePrefix();
          prefixes.push(prefix);
          return measureLogThroughput({ redisUrl, prefix, cleanup });
        },
      },
    ];
    // A part that fails is reported and the others still run; the tables follow in order.
    const tables: { title: string; rows: Row[]; notes: string[] }[] = [];
    for (const part of parts) {
      const partStarted = performance.now();
      try {
        const { rows, notes } = await part.measure();
        const took = ((performance.now() - partStarted) / 1000).toFixed(1);
        console.log(`${part.title}: measured in ${took} s`);
        tables.push({ title: `${part.title} [${took} s]`, rows, notes });
      } catch (error) {
        console.error(`\n${part.title}: FAILED`, error);
        process.exitCode = 1;
      }
    }
    tables.sort((a, b) => a.title.localeCompare(b.title));
    for (const table of tables) printTable(table.title, table.rows, table.notes);
  } finally {
    await cleanup.run();
  }
  const [endOne] = loadavg().map((load) => load.toFixed(2));
  console.log(
    `\nbench took ${((performance.now() - started) / 1000).toFixed(1)} s; load average ${endOne} at the end`,
  );
}

await main();
