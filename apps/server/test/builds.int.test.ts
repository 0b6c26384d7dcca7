// The build path end to end, against the real PostgreSQL, Redis and Docker engine: a saved
// version is built by a worker in a container, its log followed live and resumed from a cursor,
// its signed artifacts downloaded and checked with the real sha256sum and minisign.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDocker, LABEL_BUILD_ID } from "@bbos/builder/docker";
import type { BuildId, ConfigVersionId } from "@bbos/core";
import { createConfigVersion, findVersionsById, listArtifacts } from "@bbos/db";

import {
  ensureTestBuilderImage,
  startBuildInstallation,
  type BuildInstallation,
} from "./build-harness.ts";
import { graphql, subscriptionClient } from "./start-test-server.ts";

const run = promisify(execFile);

const PSK = "s3cret-psk-value-42";
const config = {
  board: "qemu-arm64",
  os: { release: "bookworm", branch: "current", variant: "minimal" },
  system: { hostname: "build-e2e", ssh: { enabled: false } },
  network: { wifi: { ssid: "lab", psk: PSK, country: "DE" } },
  image: { compression: "zstd" },
  build: { recipe: "debian" },
};

const BUILD_FIELDS = `id status stage stages { id title } progress attempt errorMessage cacheKey queuePosition etaSeconds
  reproduceCommand cancelRequested startedAt finishedAt
  artifacts { id kind name size sha256 downloadUrl }`;

interface ArtifactJson {
  id: string;
  kind: string;
  name: string;
  size: number;
  sha256: string;
  downloadUrl: string;
}
interface BuildJson {
  id: string;
  status: string;
  stage: string | null;
  stages: { id: string; title: string }[];
  progress: number;
  attempt: number;
  errorMessage: string | null;
  cacheKey: string;
  queuePosition: number | null;
  etaSeconds: number | null;
  reproduceCommand: string;
  artifacts: ArtifactJson[];
}
interface LogLineJson {
  seq: number;
  stream: string;
  text: string;
}

let installation: BuildInstallation;

/** `value`, or a failure naming what was missing. */
function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}

const imageOf = (build: BuildJson) =>
  present(
    build.artifacts.find((artifact) => artifact.kind === "IMAGE"),
    "an IMAGE artifact",
  );

beforeAll(async () => {
  await ensureTestBuilderImage();
  installation = await startBuildInstallation();
}, 900_000);
afterAll(() => installation?.close());

async function startBuild(input: Record<string, unknown>) {
  const { body } = await graphql<{
    startBuild: {
      build: BuildJson | null;
      reused: boolean;
      validation: { valid: boolean; issues: { path: string }[] };
    };
  }>(
    installation.server.url,
    `mutation ($input: StartBuildInput!) { startBuild(input: $input) { reused validation { valid issues { path } } build { ${BUILD_FIELDS} } } }`,
    { input },
  );
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.startBuild;
}

async function readBuild(id: string): Promise<BuildJson> {
  const { body } = await graphql<{ build: BuildJson }>(
    installation.server.url,
    `query ($id: ID!) { build(id: $id) { ${BUILD_FIELDS} } }`,
    { id },
  );
  return present(body.data?.build, `build ${id}`);
}

/** Collects `buildLog` lines after `after` until `stop` says so or the subscription completes. */
function collectLog(buildId: string, after: number, stop: (lines: LogLineJson[]) => boolean) {
  const client = subscriptionClient(installation.server.url);
  const lines: LogLineJson[] = [];
  return new Promise<{ lines: LogLineJson[]; completed: boolean }>((resolve, reject) => {
    const unsubscribe = client.subscribe<{ buildLog: LogLineJson }>(
      {
        query: `subscription ($id: ID!, $after: Int) { buildLog(buildId: $id, after: $after) { seq stream text } }`,
        variables: { id: buildId, after },
      },
      {
        next: ({ data }) => {
          if (data) lines.push(data.buildLog);
          if (stop(lines)) {
            unsubscribe();
            void client.dispose();
            resolve({ lines, completed: false });
          }
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {
          void client.dispose();
          resolve({ lines, completed: true });
        },
      },
    );
  });
}

/**
 * Follows `buildsUpdated` for the project; `until(buildId, status)` resolves with the statuses
 * seen for that build once it reaches `status`.
 */
function collectProjectUpdates(projectId: string) {
  const client = subscriptionClient(installation.server.url);
  const seen: { id: string; status: string }[] = [];
  const waiters: (() => void)[] = [];
  let acknowledged: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (acknowledged = resolve));
  client.on("connected", () => setTimeout(acknowledged, 200));
  client.subscribe<{ buildsUpdated: { id: string; status: string } }>(
    {
      query: `subscription ($id: ID!) { buildsUpdated(projectId: $id) { id status } }`,
      variables: { id: projectId },
    },
    {
      next: ({ data }) => {
        if (data) seen.push(data.buildsUpdated);
        for (const waiter of waiters) waiter();
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return {
    ready,
    until: (buildId: string, status: string) =>
      new Promise<string[]>((resolve) => {
        const check = () => {
          const statuses = seen
            .filter((event) => event.id === buildId)
            .map((event) => event.status);
          if (statuses.includes(status)) {
            void client.dispose();
            resolve(statuses);
          }
        };
        waiters.push(check);
        check();
      }),
  };
}

/** Waits through `buildUpdated` until the build has ended; returns every status seen. */
function untilEnded(buildId: string) {
  const client = subscriptionClient(installation.server.url);
  const seen: { status: string; stage: string | null; progress: number }[] = [];
  return new Promise<typeof seen>((resolve, reject) => {
    client.subscribe<{ buildUpdated: { status: string; stage: string | null; progress: number } }>(
      {
        query: `subscription ($id: ID!) { buildUpdated(buildId: $id) { status stage progress } }`,
        variables: { id: buildId },
      },
      {
        next: ({ data }) => data && seen.push(data.buildUpdated),
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {
          void client.dispose();
          resolve(seen);
        },
      },
    );
  });
}

async function download(artifact: ArtifactJson, into: string): Promise<string> {
  const response = await fetch(new URL(artifact.downloadUrl, installation.server.url));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-length")).toBe(String(artifact.size));
  expect(response.headers.get("content-disposition")).toContain(artifact.name);
  const path = join(into, artifact.name);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
  return path;
}

describe("a build, from version to verified download", () => {
  let versionId: string;
  let built: BuildJson;

  it("runs in a container, streams its log resumably and publishes signed artifacts", async () => {
    const started = performance.now();
    versionId = await installation.saveVersion(config);
    const projectEvents = collectProjectUpdates(installation.project.id);
    await projectEvents.ready;
    const start = await startBuild({ versionId, recipe: "shell-test" });
    // Without earlier builds of this board and recipe, the remaining time is unknown.
    expect(start).toMatchObject({
      reused: false,
      validation: { valid: true },
      build: { status: "QUEUED", etaSeconds: null, queuePosition: 1 },
    });
    const buildId = present(start.build, "a build").id;
    expect(start.build?.reproduceCommand).toContain(versionId);
    const ended = untilEnded(buildId);

    // Read part of the log, drop the subscription, then resume after the last line seen.
    const first = await collectLog(buildId, 0, (lines) =>
      lines.some((line) => line.text === "line 50"),
    );
    const cursor = present(first.lines.at(-1), "a log line").seq;
    const rest = await collectLog(buildId, cursor, () => false);
    expect(rest.completed).toBe(true);
    const lines = [...first.lines, ...rest.lines];
    expect(lines.map((line) => line.seq)).toEqual(lines.map((_, index) => index + 1));
    const texts = (stream: string) =>
      lines.filter((line) => line.stream === stream).map((line) => line.text);
    expect(texts("OUT")).toContain("\u001b[32mpreparing build-e2e\u001b[0m");
    expect(texts("ERR")).toContain("a warning on stderr");
    expect(lines.filter((line) => /^line \d+$/.test(line.text))).toHaveLength(200);
    expect(lines.map((line) => line.text)).toContain("psk is [redacted]");
    expect(JSON.stringify(lines)).not.toContain(PSK);
    // Progress markers are read, not shown.
    expect(lines.some((line) => line.text.startsWith("::progress"))).toBe(false);

    const statuses = await ended;
    expect(statuses.at(-1)).toMatchObject({ status: "SUCCEEDED", progress: 1 });
    // The project's stream saw the same build go from QUEUED to SUCCEEDED.
    const projectStatuses = await projectEvents.until(buildId, "SUCCEEDED");
    expect(projectStatuses[0]).toBe("QUEUED");
    expect(projectStatuses).toContain("RUNNING");
    expect(statuses.some((update) => update.status === "RUNNING" && update.stage === "image")).toBe(
      true,
    );
    built = await readBuild(buildId);
    // The recipe's stages, then the compression the config asks for, as the worker ran them.
    expect(built.stages).toEqual([
      { id: "prepare", title: "Prepare" },
      { id: "image", title: "Image" },
      { id: "compress", title: "Compressing the image (zstd)" },
    ]);
    expect(statuses.some((update) => update.stage === "compress")).toBe(true);
    console.log(
      `shell-test build: ${Math.round(performance.now() - started)} ms from save to SUCCEEDED`,
    );
    expect(built).toMatchObject({
      status: "SUCCEEDED",
      attempt: 1,
      etaSeconds: null,
      queuePosition: null,
    });
    expect(built.artifacts.map((artifact) => [artifact.kind, artifact.name]).sort()).toEqual([
      ["CHECKSUM", "bbos-test.img.zst.sha256"],
      ["IMAGE", "bbos-test.img.zst"],
      ["LOG", "build.log.gz"],
      ["MANIFEST", "bbos-test.img.zst.txt"],
      ["MANIFEST", "bbos-test.manifest.txt"],
      ["MANIFEST", "bbos-test.packages.sha256"],
      ["PROVENANCE", "bbos-test.img.zst.provenance.json"],
      ["SIGNATURE", "bbos-test.img.zst.minisig"],
      ["SIGNATURE", "bbos-test.img.zst.provenance.json.minisig"],
    ]);
  }, 300_000);

  it("downloads files that sha256sum -c and minisign -V accept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bbos-download-"));
    for (const artifact of built.artifacts) await download(artifact, dir);
    const { body } = await graphql<{ signingKey: { publicKeyFile: string; keyId: string } }>(
      installation.server.url,
      `
        {
          signingKey {
            keyId
            publicKeyFile
          }
        }
      `,
    );
    const wellKnown = await fetch(
      new URL("/.well-known/bbos/minisign.pub", installation.server.url),
    );
    const { publicKeyFile, keyId } = present(body.data?.signingKey, "the signing key");
    // The key id reads as minisign writes it, in the public key file's comment.
    expect(publicKeyFile).toContain(`minisign public key ${keyId}`);
    expect(await wellKnown.text()).toBe(publicKeyFile);
    await writeFile(join(dir, "bbos.pub"), publicKeyFile);

    const checked = await run("sha256sum", ["-c", "bbos-test.img.zst.sha256"], { cwd: dir });
    expect(checked.stdout).toBe("bbos-test.img.zst: OK\n");
    for (const file of ["bbos-test.img.zst", "bbos-test.img.zst.provenance.json"]) {
      const verified = await run("minisign", ["-V", "-p", "bbos.pub", "-m", file], { cwd: dir });
      expect(verified.stdout).toContain("Signature and comment signature verified");
    }
    const image = imageOf(built);
    const provenance = JSON.parse(
      await readFile(join(dir, "bbos-test.img.zst.provenance.json"), "utf8"),
    ) as {
      subject: unknown;
      predicate: { buildDefinition: { resolvedDependencies: { name: string; digest: unknown }[] } };
    };
    expect(provenance.subject).toEqual([{ name: image.name, digest: { sha256: image.sha256 } }]);
    // The recipe's recorded package set is published and named, file by file, in the provenance.
    const packageSet = await readFile(join(dir, "bbos-test.packages.sha256"), "utf8");
    const [packageSha256] = packageSet.split(" ");
    expect(packageSet).toMatch(/^[0-9a-f]{64} {2}hello_1\.0_all\.deb\n$/);
    expect(provenance.predicate.buildDefinition.resolvedDependencies.slice(1)).toEqual([
      { name: "hello_1.0_all.deb", digest: { sha256: packageSha256 } },
    ]);
    const decompressed = await run("zstd", ["-dc", join(dir, image.name)], {
      encoding: "buffer",
      maxBuffer: 8 << 20,
    });
    // Compared with equals(): a deep equality of 3 MiB takes vitest many seconds.
    expect(decompressed.stdout.equals(Buffer.alloc(3 * 1024 * 1024, "b"))).toBe(true);

    // The archived log is the whole log, colour included, secrets redacted.
    const archived = gunzipSync(await readFile(join(dir, "build.log.gz"))).toString();
    expect(archived).toContain("\u001b[32mpreparing build-e2e\u001b[0m\n");
    expect(archived).toContain("psk is [redacted]");
    expect(archived).not.toContain(PSK);

    // The same log, raw, for a browser or curl.
    const { body: withLog } = await graphql<{ build: { logUrl: string | null } }>(
      installation.server.url,
      `
        query ($id: ID!) {
          build(id: $id) {
            logUrl
          }
        }
      `,
      { id: built.id },
    );
    const raw = await fetch(
      new URL(present(withLog.data?.build.logUrl, "a log URL"), installation.server.url),
    );
    expect(raw.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await raw.text()).toBe(archived);
  });

  it("serves a byte range of an artifact", async () => {
    const image = imageOf(built);
    const response = await fetch(new URL(image.downloadUrl, installation.server.url), {
      headers: { range: "bytes=0-9" },
    });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 0-9/${image.size}`);
    expect((await response.arrayBuffer()).byteLength).toBe(10);
    const beyond = await fetch(new URL(image.downloadUrl, installation.server.url), {
      headers: { range: `bytes=${image.size + 10}-` },
    });
    expect(beyond.status).toBe(416);
  });

  it("answers the same config at once with the earlier build, unless forced", async () => {
    const again = await startBuild({ versionId, recipe: "shell-test" });
    expect(again).toMatchObject({
      reused: true,
      build: { id: built.id, cacheKey: built.cacheKey },
    });

    const forced = await startBuild({ versionId, recipe: "shell-test", force: true });
    expect(forced.reused).toBe(false);
    const rebuilt = present(forced.build, "a forced build");
    expect(rebuilt.id).not.toBe(built.id);
    // With one earlier build of this board and recipe, the estimate is real.
    expect(typeof rebuilt.etaSeconds).toBe("number");
    await untilEnded(rebuilt.id);
    expect(await readBuild(rebuilt.id)).toMatchObject({ status: "SUCCEEDED" });

    // Once both builds' artifacts are deleted, files included, the next request builds again.
    const storageKeys = (
      await Promise.all(
        [built.id, rebuilt.id].map((id) => listArtifacts(installation.server.db, id as BuildId)),
      )
    )
      .flat()
      .map((artifact) => artifact.storageKey);
    expect(storageKeys).toHaveLength(18);
    for (const id of [built.id, rebuilt.id]) {
      const { body } = await graphql<{
        deleteBuildArtifacts: { deletedCount: number; build: { artifacts: unknown[] } };
      }>(
        installation.server.url,
        `
          mutation ($id: ID!) {
            deleteBuildArtifacts(input: { buildId: $id }) {
              deletedCount
              build {
                artifacts {
                  id
                }
              }
            }
          }
        `,
        { id },
      );
      expect(body.data?.deleteBuildArtifacts).toEqual({
        deletedCount: 9,
        build: { artifacts: [] },
      });
    }
    const gone = await fetch(new URL(imageOf(built).downloadUrl, installation.server.url));
    expect(gone.status).toBe(404);
    for (const key of storageKeys) expect(await installation.store.stat(key)).toBeNull();
    const fresh = await startBuild({ versionId, recipe: "shell-test" });
    expect(fresh.reused).toBe(false);
    await untilEnded(present(fresh.build, "a build").id);
    // Every build's work directory is gone once it has ended.
    expect(await readdir(installation.workRoot)).toEqual([]);
  }, 300_000);

  it("refuses an invalid config with the issue list and starts nothing", async () => {
    // Saving refuses invalid configs, but rules change: startBuild checks what a version holds.
    const { db } = installation.server;
    const [row] = await findVersionsById(db, [versionId as ConfigVersionId]);
    const invalid = await createConfigVersion(db, {
      boardId: present(row, "the version").boardId,
      schemaId: "board-config/2",
      config: { ...config, system: { hostname: "-bad-" } },
      contentHash: "f".repeat(64),
      message: "written before a rule existed",
      authorId: installation.server.viewer.id,
      stateVector: null,
    });
    const before = await db.build.count();
    const refused = await startBuild({
      versionId: present(invalid, "a version").version.id,
      recipe: "shell-test",
    });
    expect(refused.build).toBeNull();
    expect(refused.validation.valid).toBe(false);
    expect(refused.validation.issues.map((issue) => issue.path)).toContain("/system/hostname");
    expect(await db.build.count()).toBe(before);

    const unknown = await graphql(
      installation.server.url,
      `mutation { startBuild(input: { versionId: "${versionId}", recipe: "no-such" }) { reused } }`,
    );
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unknown.body.errors?.[0]?.message).toContain('No build worker has the recipe "no-such"');
  });
});

describe("cancel", () => {
  it("stops a running build's container within 5 seconds", async () => {
    const versionId = await installation.saveVersion({
      ...config,
      system: { hostname: "cancel-me" },
    });
    const start = await startBuild({ versionId, recipe: "sleep-test" });
    const buildId = present(start.build, "a build").id;
    await collectLog(buildId, 0, (lines) => lines.some((line) => line.text === "sleeping"));
    const ended = untilEnded(buildId);
    const docker = createDocker(process.env.DOCKER_HOST);
    const containers = () =>
      docker.listContainers({ all: true, filters: { label: [`${LABEL_BUILD_ID}=${buildId}`] } });
    expect(await containers()).toHaveLength(1);

    const asked = performance.now();
    const { body } = await graphql<{
      cancelBuild: { build: { status: string; cancelRequested: boolean } };
    }>(
      installation.server.url,
      `
        mutation ($id: ID!) {
          cancelBuild(input: { buildId: $id }) {
            build {
              status
              cancelRequested
            }
          }
        }
      `,
      { id: buildId },
    );
    expect(body.data?.cancelBuild.build).toEqual({ status: "RUNNING", cancelRequested: true });
    const statuses = await ended;
    const stoppedMs = performance.now() - asked;
    console.log(
      `cancel: container stopped and build CANCELED ${Math.round(stoppedMs)} ms after cancelBuild`,
    );
    expect(statuses.at(-1)?.status).toBe("CANCELED");
    expect(await containers()).toHaveLength(0);
    expect(stoppedMs).toBeLessThan(5_000);

    const again = await graphql(
      installation.server.url,
      `
        mutation ($id: ID!) {
          cancelBuild(input: { buildId: $id }) {
            build {
              status
            }
          }
        }
      `,
      { id: buildId },
    );
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT" });

    // Retrying an ended build starts a new one of the same version and recipe.
    const retried = await graphql<{
      retryBuild: { build: { id: string; status: string; retryOf: { id: string } } };
    }>(
      installation.server.url,
      `
        mutation ($id: ID!) {
          retryBuild(input: { buildId: $id }) {
            build {
              id
              status
              retryOf {
                id
              }
            }
          }
        }
      `,
      { id: buildId },
    );
    const retry = present(retried.body.data?.retryBuild.build, "a retried build");
    expect(retry).toMatchObject({ status: "QUEUED", retryOf: { id: buildId } });
    const stopped = untilEnded(retry.id);
    await graphql(
      installation.server.url,
      `
        mutation ($id: ID!) {
          cancelBuild(input: { buildId: $id }) {
            build {
              status
            }
          }
        }
      `,
      { id: retry.id },
    );
    expect((await stopped).at(-1)?.status).toBe("CANCELED");

    // The project's builds, newest first, one page at a time.
    const list = (after: string | null) =>
      graphql<{
        builds: {
          totalCount: number;
          edges: { cursor: string; node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }>(
        installation.server.url,
        `
          query ($p: ID!, $after: String) {
            builds(projectId: $p, first: 1, after: $after, filter: { status: [CANCELED] }) {
              totalCount
              edges {
                cursor
                node {
                  id
                }
              }
              pageInfo {
                hasNextPage
                endCursor
              }
            }
          }
        `,
        { p: installation.project.id, after },
      );
    const page1 = present((await list(null)).body.data?.builds, "a page");
    expect(page1).toMatchObject({
      totalCount: 2,
      edges: [{ node: { id: retry.id } }],
      pageInfo: { hasNextPage: true },
    });
    const page2 = present((await list(page1.pageInfo.endCursor)).body.data?.builds, "a page");
    expect(page2).toMatchObject({
      edges: [{ node: { id: buildId } }],
      pageInfo: { hasNextPage: false },
    });
  }, 120_000);
});
