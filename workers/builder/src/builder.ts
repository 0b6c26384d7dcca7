// Composition root of a build worker: the BullMQ worker on the `builds` queue, the Docker recipe
// runner, the build log streams, cancel requests and build updates over Redis, the heartbeat that
// lets other workers tell dead ones from live ones, orphan cleanup and reconciliation with
// PostgreSQL. main.ts reads the environment and calls this; tests call it with their own recipes.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";

import type { ObjectStore, SigningKey } from "@bbos/artifacts";
import type { Recipe } from "@bbos/core/build";
import type { Db, SecretKeyRing } from "@bbos/db";
import { builderImageDefinition } from "@bbos/recipes";
import {
  createBuildChannels,
  createBuildLogWriter,
  createBuildQueue,
  createRedisConnection,
} from "@bbos/queue";
import type Docker from "dockerode";
import type { Logger } from "pino";

import {
  createBuildWorker,
  shutdownWorker,
  type DEFAULT_LOCKS,
  type ShutdownOutcome,
} from "./build-worker.ts";
import { createCancelRegistry } from "./cancel-registry.ts";
import { detectDebianMirror, detectDebianSecurityMirror } from "./docker/apt-mirror.ts";
import { ensureBuilderImage, removeOrphanContainers } from "./docker/index.ts";
import { createDockerRecipeRunner } from "./docker-recipe-runner.ts";
import { createSecretResolver } from "./resolve-secrets.ts";
import { createRecordedPackageSetFinder } from "./recorded-package-set.ts";
import { reconcileBuilds } from "./reconcile.ts";
import type { BuildLogs } from "./run-build.ts";
import type { BuildCache } from "./run-plan.ts";

export type { BuildCache };

export interface BuilderOptions {
  db: Db;
  redisUrl: string;
  /** The installation's Redis prefix; also labels its containers and images. */
  prefix: string;
  docker: Docker;
  recipes: readonly Recipe[];
  store: ObjectStore;
  signingKey: SigningKey;
  /** Opens the values of secret config fields (the key ring the API servers seal them with). */
  secrets: SecretKeyRing;
  /** Parent of the builds' work directories. */
  workRoot: string;
  concurrency: number;
  limits: { cpus: number; memoryBytes: number };
  /** Longest a build may run. */
  timeoutMs: number;
  /** Debian mirror for the builder image and recipes; detected from apt when absent. */
  mirror?: string;
  /** Debian security archive for recipes; detected from apt when absent. */
  securityMirror?: string;
  /** The cache builds on this worker share (apt packages, root filesystems) and its size limit. */
  cache: BuildCache;
  /** Whether recipe steps that need a privileged container run here. @defaultValue false */
  allowPrivileged?: boolean;
  logger: Logger;
  locks?: Partial<typeof DEFAULT_LOCKS>;
  /** How often builds are reconciled with the queue and orphans removed. @defaultValue 30000 */
  reconcileIntervalMs?: number;
  /** How long a worker counts as alive after its last heartbeat. @defaultValue 30000 */
  heartbeatTtlMs?: number;
}

export interface RunningBuilder {
  workerId: string;
  /** Waits up to `graceMs` for running builds, then hands the rest back to the queue. */
  close(graceMs: number): Promise<ShutdownOutcome>;
}

const heartbeatKey = (prefix: string, workerId: string) => `${prefix}:worker:${workerId}`;

export async function startBuilder(options: BuilderOptions): Promise<RunningBuilder> {
  const { db, prefix, docker, logger } = options;
  const workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const log = logger.child({ workerId });
  await mkdir(options.workRoot, { recursive: true });

  const connection = createRedisConnection(options.redisUrl, { role: "worker" });
  const commands = createRedisConnection(options.redisUrl, { role: "worker" });
  const subscriber = createRedisConnection(options.redisUrl, { role: "worker" });
  for (const redis of [connection, commands, subscriber]) {
    // ioredis reconnects by itself; without a listener it would print "Unhandled error event".
    redis.on("error", (error) => log.warn({ err: error }, "redis connection error"));
  }

  const heartbeatTtlMs = options.heartbeatTtlMs ?? 30_000;
  const beat = () =>
    commands.set(heartbeatKey(prefix, workerId), String(Date.now()), "PX", heartbeatTtlMs);
  await beat();
  const heartbeat = setInterval(() => {
    beat().catch((error: unknown) => log.warn({ err: error }, "heartbeat failed"));
  }, heartbeatTtlMs / 3);
  heartbeat.unref();

  const isWorkerAlive = async (id: string) =>
    (await commands.exists(heartbeatKey(prefix, id))) === 1;
  const removeOrphans = async () => {
    const { removed } = await removeOrphanContainers(docker, {
      installation: prefix,
      isWorkerAlive,
    });
    for (const orphan of removed) {
      log.warn(
        { containerId: orphan.id, buildId: orphan.buildId },
        "removed the container of a dead worker",
      );
    }
  };
  await removeOrphans();

  const cancels = createCancelRegistry();
  const channels = await createBuildChannels({
    publisher: commands,
    subscriber,
    prefix,
    onMalformed: ({ channel }) => log.warn({ channel }, "malformed build message dropped"),
  });
  const stopCancels = channels.onCancel((buildId) => {
    if (cancels.cancel(buildId)) log.info({ buildId }, "cancel requested: stopping the build");
  });

  const mirror = options.mirror ?? (await detectDebianMirror(builderImageDefinition.release));
  const securityMirror =
    options.securityMirror ?? (await detectDebianSecurityMirror(builderImageDefinition.release));
  const { cache } = options;
  await mkdir(cache.dir, { recursive: true });
  const builderImage = (progress: (line: string) => void) =>
    ensureBuilderImage(docker, {
      installation: prefix,
      log: (line) => {
        progress(line);
        log.info({ builderImage: true }, line);
      },
      mirror,
    });
  // Made at start when missing, so the first build does not wait for it (it shares this making).
  builderImage(() => undefined).then(
    (image) =>
      log.info(
        { tag: image.tag, made: image.made, durationMs: image.durationMs },
        "builder image ready",
      ),
    (error: unknown) =>
      log.error({ err: error }, "could not make the builder image; builds will retry"),
  );

  const published = (build: { id: string; projectId: string }) => {
    channels
      .publishBuildUpdate({ buildId: build.id, projectId: build.projectId })
      .catch((error: unknown) =>
        log.warn({ err: error, buildId: build.id }, "could not publish a build update"),
      );
  };
  const logs: BuildLogs = {
    async open(build) {
      const writer = await createBuildLogWriter(commands, { prefix, buildId: build.id });
      return {
        append: (text, stream) => writer.append(text, stream),
        close: (ended) => (ended ? writer.end() : writer.flush()),
      };
    },
  };

  const worker = createBuildWorker({
    connection,
    prefix,
    concurrency: options.concurrency,
    logger: log,
    ...(options.locks ? { locks: options.locks } : {}),
    build: {
      db,
      workerId,
      cancels,
      logs,
      timeoutMs: options.timeoutMs,
      updates: { published },
      runner: createDockerRecipeRunner({
        docker,
        recipes: new Map(options.recipes.map((recipe) => [recipe.id, recipe])),
        builderImage,
        store: options.store,
        signingKey: options.signingKey,
        workRoot: options.workRoot,
        installation: prefix,
        workerId,
        limits: options.limits,
        cache,
        debianMirror: mirror,
        debianSecurityMirror: securityMirror,
        allowPrivileged: options.allowPrivileged ?? false,
        resolveSecrets: createSecretResolver(db, options.secrets),
        recordedPackageSet: createRecordedPackageSetFinder(db, options.store),
      }),
    },
  });

  const queue = createBuildQueue(commands, { prefix });
  queue.on("error", (error) => log.warn({ err: error }, "build queue error"));
  // Also on a timer: a worker that died while others run leaves its containers behind until one
  // of them notices its heartbeat is gone.
  const reconcile = () =>
    Promise.all([
      reconcileBuilds({ db, queue, isWorkerAlive, log, published }),
      removeOrphans(),
    ]).catch((error: unknown) => log.warn({ err: error }, "reconciling builds failed"));
  const reconciler = setInterval(() => void reconcile(), options.reconcileIntervalMs ?? 30_000);
  reconciler.unref();
  await worker.waitUntilReady();
  await reconcile();

  return {
    workerId,
    async close(graceMs) {
      clearInterval(reconciler);
      stopCancels();
      const outcome = await shutdownWorker(worker, graceMs, log);
      clearInterval(heartbeat);
      await commands.del(heartbeatKey(prefix, workerId)).catch(() => 0);
      await channels.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      for (const redis of [connection, commands, subscriber]) redis.disconnect();
      return outcome;
    },
  };
}
