// A whole test installation for builds: the API server and a build worker in this process,
// sharing one database, one Redis prefix, one artifact store and one signing key, with the
// tests' recipes and the real Docker engine (DOCKER_HOST or the default socket).
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ObjectStore } from "@bbos/artifacts";
import { createProject, type ProjectRow } from "@bbos/db";
import { startBuilder, type BuildCache, type RunningBuilder } from "@bbos/builder/builder";
import type { Recipe } from "@bbos/core/build";
import { createDocker, ensureBuilderImage } from "@bbos/builder/docker";
import { testRedisUrl, uniquePrefix } from "@bbos/test-utils";
import { pino, type Logger } from "pino";

import type { ServerOptions } from "../src/server.ts";

import {
  graphql,
  startTestServer,
  testBuildOptions,
  testSecretKeyRing,
  type TestServer,
} from "./start-test-server.ts";
import { uploadFile } from "./project-file-client.ts";

export interface BuildInstallation extends AsyncDisposable {
  server: TestServer;
  builder: RunningBuilder;
  project: ProjectRow;
  /** Where the worker makes each build's work directory. */
  workRoot: string;
  /** Where the worker stores artifacts. */
  store: ObjectStore;
  /** Imports `config` as a new board and saves it as a version; returns the version id. */
  saveVersion(config: object): Promise<string>;
  /** Uploads `body` as the project's file at `path`; returns the file's id. */
  uploadFile(path: string, body: string | Uint8Array): Promise<string>;
  close(): Promise<void>;
}

const docker = createDocker(process.env.DOCKER_HOST);

/**
 * Makes the builder image when the engine lacks it (minutes, once per engine) and prints how
 * long that took.
 */
export async function ensureTestBuilderImage(): Promise<void> {
  const image = await ensureBuilderImage(docker, {
    installation: "bbos-tests",
    log: () => undefined,
  });
  console.log(
    `builder image ${image.tag}: ${image.made ? `made in ${Math.round(image.durationMs / 1000)} s` : "present"}`,
  );
}

/** What a test installation may use instead of its defaults. */
export interface BuildInstallationOptions {
  /** Replaces the file-system artifact store. */
  store?: ObjectStore;
  /** Replaces the test recipes (the image tests use the product's). */
  recipes?: readonly Recipe[];
  /** The worker's build cache. @defaultValue an empty one of its own */
  cache?: BuildCache;
  /** Each build container's CPUs and memory. @defaultValue 1 CPU, 512 MiB */
  limits?: { cpus: number; memoryBytes: number };
  /** Where the server and the worker log. @defaultValue nowhere */
  logs?: { server: Logger; worker: Logger };
  /** More server options, e.g. the web app to serve and how people sign in. */
  server?: Pick<ServerOptions, "webDist" | "auth">;
}

/** Starts a test installation: an API server and a worker sharing one database and prefix. */
export async function startBuildInstallation(
  options: BuildInstallationOptions = {},
): Promise<BuildInstallation> {
  const prefix = uniquePrefix();
  const builds = {
    ...(await testBuildOptions()),
    ...(options.store ? { store: options.store } : {}),
    ...(options.recipes ? { recipes: options.recipes } : {}),
  };
  const server = await startTestServer({
    redisPrefix: prefix,
    builds,
    ...(options.logs ? { log: options.logs.server } : {}),
    ...options.server,
  });
  const workRoot = await mkdtemp(join(tmpdir(), "bbos-work-"));
  const builder = await startBuilder({
    db: server.db,
    redisUrl: testRedisUrl(),
    prefix,
    docker,
    recipes: builds.recipes,
    store: builds.store,
    signingKey: builds.signingKey,
    secrets: testSecretKeyRing,
    workRoot,
    concurrency: 2,
    limits: options.limits ?? { cpus: 1, memoryBytes: 512 * 1024 * 1024 },
    timeoutMs: 60 * 60_000,
    cache: options.cache ?? {
      dir: await mkdtemp(join(tmpdir(), "bbos-cache-")),
      limitMiB: 1024,
    },
    logger: options.logs?.worker ?? pino({ level: "silent" }),
  });
  const project = await createProject(server.db, {
    slug: `builds-${prefix
      .slice(-8)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")}`,
    name: "Builds",
    ownerId: server.viewer.id,
  });
  let boards = 0;
  const close = async () => {
    await builder.close(0);
    await server.close();
  };
  return {
    server,
    builder,
    project,
    workRoot,
    store: builds.store,
    async saveVersion(config) {
      boards += 1;
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
        {
          input: {
            projectId: project.id,
            name: `board ${boards}`,
            configJson: JSON.stringify(config),
          },
        },
      );
      const boardId = imported.body.data?.importBoard.board?.id;
      if (!boardId) throw new Error(`import failed: ${JSON.stringify(imported.body)}`);
      const saved = await graphql<{ saveVersion: { version: { id: string } | null } }>(
        server.url,
        `
          mutation ($input: SaveVersionInput!) {
            saveVersion(input: $input) {
              version {
                id
              }
            }
          }
        `,
        { input: { boardId } },
      );
      const versionId = saved.body.data?.saveVersion.version?.id;
      if (!versionId) throw new Error(`save failed: ${JSON.stringify(saved.body)}`);
      return versionId;
    },
    async uploadFile(path, body) {
      const { status, body: answer } = await uploadFile(server.url, project.id, path, body);
      if (status !== 201 || !answer.file) {
        throw new Error(`upload of ${path} answered ${status}: ${JSON.stringify(answer)}`);
      }
      return answer.file.id;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
