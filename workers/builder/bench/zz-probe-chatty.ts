import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileObjectStore, generateSigningKey } from "@bbos/artifacts";
import type { Recipe } from "@bbos/core";
import { findBuild } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createBuildQueue, createRedisConnection, enqueueBuild } from "@bbos/queue";
import { builderImageId } from "@bbos/recipes";
import { createTestDatabase, setupTestRun, testRedisUrl, uniquePrefix } from "@bbos/test-utils";
import { pino } from "pino";
import { startBuilder } from "../src/builder.ts";
import { createDocker } from "../src/docker/index.ts";
import { createBuildFactory } from "../test/build-rows.ts";
import { until } from "./bench-kit.ts";
const LINES = Number(process.env.LINES ?? 50000);
const recipe: Recipe = { id: "chatty", version: "1", title: "c", stages: [{ id: "s", title: "S", weight: 1 }], supports: () => ({ ok: true }),
  plan: () => ({ steps: [{ stage: "s", network: "none", capabilities: [], env: {}, script: `seq 1 ${LINES} | sed 's/$/ ${"x".repeat(90)}/'; echo img > out/i.img` }],
    image: { path: "i.img", name: "i.img", contentType: "application/octet-stream" }, manifest: null }) };
const drop = await setupTestRun({ databases: true });
const tmp = await mkdtemp(join(tmpdir(), "bbos-probe-"));
const db = createDb({ url: await createTestDatabase(), maxConnections: 4 });
const prefix = uniquePrefix();
const redis = createRedisConnection(testRedisUrl(), { role: "worker" });
const queue = createBuildQueue(redis, { prefix });
const builder = await startBuilder({ db, redisUrl: testRedisUrl(), prefix, docker: createDocker(process.env.DOCKER_HOST), recipes: [recipe],
  store: createFileObjectStore({ root: join(tmp, "a") }), signingKey: generateSigningKey(), workRoot: join(tmp, "w"), concurrency: 1,
  limits: { cpus: 1, memoryBytes: 512 << 20 }, timeoutMs: 120000, logger: pino({ level: "warn" }) });
try {
  const makeBuild = await createBuildFactory(db);
  for (let i = 0; i < 2; i++) {
    const b = await makeBuild({ recipe: "chatty", recipeVersion: "1", builderImageId: builderImageId() });
    const c0 = process.cpuUsage(); const t0 = performance.now();
    await enqueueBuild(queue, { buildId: b.id }, { attempts: 1 });
    await until(async () => (await findBuild(db, b.id))?.status === "SUCCEEDED", "build", 120000, 50);
    const c = process.cpuUsage(c0);
    console.log(`${LINES} lines: ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU of the worker process = ${((c.user + c.system) / LINES).toFixed(1)} µs/line`);
  }
} finally {
  await builder.close(10000); await queue.obliterate({ force: true }); await queue.close(); redis.disconnect();
  const r = createRedisConnection(testRedisUrl(), { role: "worker" });
  for await (const keys of r.scanStream({ match: `${prefix}:*` }) as AsyncIterable<string[]>) if (keys.length) await r.unlink(...keys);
  r.disconnect(); await db.$disconnect(); await drop(); await rm(tmp, { recursive: true, force: true });
}
