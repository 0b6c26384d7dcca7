// Builds survive what kills their worker or their queue: a worker SIGKILLed mid-build, and a
// Redis restart (a private redis-server, empty afterwards) mid-build. Each ends with the build
// retried or failed cleanly, never stuck RUNNING, with one artifact set at most.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { openArtifactStorage } from "@bbos/artifacts";
import { startBuilder, type RunningBuilder } from "@bbos/builder/builder";
import { createDocker, LABEL_BUILD_ID } from "@bbos/builder/docker";
import { isTerminal, type BuildId } from "@bbos/core";
import { createProject, findBuild, listArtifacts, openSecretKeyRing } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createTestDatabase, freePort, uniquePrefix } from "@bbos/test-utils";
import { builderImageId } from "@bbos/recipes";

import { ensureTestBuilderImage } from "./build-harness.ts";
import { fastRecovery } from "./fast-recovery.ts";
import { graphql, startTestServer, type TestServer } from "./start-test-server.ts";
import { testRecipes } from "./test-recipes.ts";

const docker = createDocker(process.env.DOCKER_HOST);
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

beforeAll(() => ensureTestBuilderImage(), 900_000);

interface Installation {
  server: TestServer;
  dataDir: string;
  prefix: string;
  redisUrl: string;
  databaseUrl: string;
}

async function install(redisUrl: string): Promise<Installation> {
  const dataDir = await mkdtemp(join(tmpdir(), "bbos-crash-"));
  const prefix = uniquePrefix();
  const databaseUrl = await createTestDatabase();
  const storage = await openArtifactStorage(
    { DATA_DIR: dataDir, S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false },
    () => undefined,
  );
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined); // The Redis restart test stops it on purpose.
  const server = await startTestServer({
    db: createDb({ url: databaseUrl, maxConnections: 4 }),
    redis,
    redisPrefix: prefix,
    builds: { recipes: testRecipes, builderImageId: builderImageId(), ...storage },
  });
  cleanups.push(() => server.close());
  return { server, dataDir, prefix, redisUrl, databaseUrl };
}

async function startSlowBuild(installation: Installation): Promise<BuildId> {
  const { server } = installation;
  const project = await createProject(server.db, {
    slug: `crash-${Math.random().toString(36).slice(2, 8)}`,
    name: "Crash",
    ownerId: server.viewer.id,
  });
  const config = JSON.stringify({
    board: "qemu-arm64",
    os: { release: "bookworm", branch: "current", variant: "minimal" },
    system: { hostname: "crash", ssh: { enabled: false } },
  });
  const imported = await graphql<{ importBoard: { board: { id: string } | null } }>(
    server.url,
    `
      mutation ($input: ImportBoardInput!) {
        importBoard(input: $input) {
          board {
            id
          }
        }
      }
    `,
    { input: { projectId: project.id, name: "crash", configJson: config } },
  );
  const saved = await graphql<{ saveVersion: { version: { id: string } } }>(
    server.url,
    `
      mutation ($id: ID!) {
        saveVersion(input: { boardId: $id }) {
          version {
            id
          }
        }
      }
    `,
    { id: imported.body.data?.importBoard.board?.id },
  );
  const started = await graphql<{ startBuild: { build: { id: string } } }>(
    server.url,
    `
      mutation ($id: ID!) {
        startBuild(input: { versionId: $id, recipe: "slow-test" }) {
          build {
            id
          }
        }
      }
    `,
    { id: saved.body.data?.saveVersion.version.id },
  );
  const id = started.body.data?.startBuild.build.id;
  if (!id) throw new Error(`startBuild failed: ${JSON.stringify(started.body)}`);
  return id as BuildId;
}

function workerProcess(installation: Installation, workDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("test-builder-main.ts", import.meta.url))],
    {
      env: {
        ...process.env,
        DATABASE_URL: installation.databaseUrl,
        REDIS_URL: installation.redisUrl,
        REDIS_PREFIX: installation.prefix,
        DATA_DIR: installation.dataDir,
        WORK_DIR: workDir,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  cleanups.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
    return Promise.resolve();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready ")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function inProcessWorker(installation: Installation): Promise<RunningBuilder> {
  const storage = await openArtifactStorage(
    { DATA_DIR: installation.dataDir, S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false },
    () => undefined,
  );
  const builder = await startBuilder({
    db: installation.server.db,
    redisUrl: installation.redisUrl,
    prefix: installation.prefix,
    docker,
    recipes: testRecipes,
    store: storage.store,
    signingKey: storage.signingKey,
    secrets: await openSecretKeyRing({ DATA_DIR: installation.dataDir }, () => undefined),
    workRoot: await mkdtemp(join(tmpdir(), "bbos-work-")),
    cache: { dir: await mkdtemp(join(tmpdir(), "bbos-cache-")), limitMiB: 1024 },
    concurrency: 1,
    limits: { cpus: 1, memoryBytes: 256 * 1024 * 1024 },
    timeoutMs: 5 * 60_000,
    logger: pino({ level: "silent" }),
    ...fastRecovery,
  });
  cleanups.push(() => builder.close(0));
  return builder;
}

const containersOf = (buildId: string) =>
  docker.listContainers({ all: true, filters: { label: [`${LABEL_BUILD_ID}=${buildId}`] } });

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
) {
  let found: T | null | undefined | false = null;
  await vi.waitFor(
    async () => {
      found = await probe();
      if (!found) throw new Error(`still waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 250 },
  );
  return found as T;
}

describe("a build whose worker is SIGKILLed mid-build", () => {
  it("runs again on another worker, ends SUCCEEDED once, and the dead worker's container goes", async () => {
    const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
    const installation = await install(redisUrl);
    const doomed = await workerProcess(installation, await mkdtemp(join(tmpdir(), "bbos-work-")));
    const buildId = await startSlowBuild(installation);
    await waitFor(
      "the first attempt's container",
      async () => (await containersOf(buildId)).length > 0,
      60_000,
    );

    doomed.kill("SIGKILL");
    await once(doomed, "exit");
    const killedAt = performance.now();
    await inProcessWorker(installation);

    const ended = await waitFor(
      "the build to end",
      async () => {
        const build = await findBuild(installation.server.db, buildId);
        return build && isTerminal(build.status) ? build : null;
      },
      90_000,
    );
    console.log(
      `SIGKILL: build ${ended.status} on attempt ${ended.attempt}, ${Math.round(performance.now() - killedAt)} ms after the kill`,
    );
    expect(ended).toMatchObject({ status: "SUCCEEDED", attempt: 2 });
    const artifacts = await listArtifacts(installation.server.db, buildId);
    expect(new Set(artifacts.map((artifact) => artifact.name)).size).toBe(artifacts.length);
    expect(artifacts.filter((artifact) => artifact.kind === "IMAGE")).toHaveLength(1);
    // The dead worker's container is removed by a live worker once its heartbeat has expired.
    await waitFor(
      "the orphaned container to go",
      async () => (await containersOf(buildId)).length === 0,
      30_000,
    );
  }, 240_000);
});

describe("a build during a Redis restart", () => {
  it("ends cleanly, never stuck RUNNING, with one artifact set at most", async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), "bbos-redis-"));
    const startRedis = async () => {
      const redis = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          dir,
        ],
        { stdio: "ignore" },
      );
      const answers = async () => {
        const probe = new Redis(port, "127.0.0.1", {
          lazyConnect: true,
          retryStrategy: () => null,
        });
        probe.on("error", () => undefined);
        try {
          return (await probe.ping()) === "PONG";
        } catch {
          return false;
        } finally {
          probe.disconnect();
        }
      };
      await waitFor("redis to answer", answers, 10_000);
      return redis;
    };
    let redis = await startRedis();
    cleanups.push(() => Promise.resolve(redis.kill("SIGKILL")));
    const installation = await install(`redis://127.0.0.1:${port}`);
    await inProcessWorker(installation);
    const buildId = await startSlowBuild(installation);
    await waitFor(
      "the build's container",
      async () => (await containersOf(buildId)).length > 0,
      60_000,
    );

    redis.kill("SIGKILL");
    await once(redis, "exit");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    redis = await startRedis();
    const restartedAt = performance.now();

    const ended = await waitFor(
      "the build to end",
      async () => {
        const build = await findBuild(installation.server.db, buildId);
        return build && isTerminal(build.status) ? build : null;
      },
      90_000,
    );
    console.log(
      `Redis restart: build ${ended.status} (attempt ${ended.attempt}${ended.errorMessage ? `, ${ended.errorMessage}` : ""}), ${Math.round(performance.now() - restartedAt)} ms after the restart`,
    );
    expect(["SUCCEEDED", "FAILED"]).toContain(ended.status);
    const artifacts = await listArtifacts(installation.server.db, buildId);
    expect(artifacts.filter((artifact) => artifact.kind === "IMAGE").length).toBeLessThanOrEqual(1);
    // Nothing runs it any more.
    await waitFor(
      "no container left",
      async () => (await containersOf(buildId)).length === 0,
      30_000,
    );
  }, 240_000);
});
