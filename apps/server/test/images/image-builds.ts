// Builds with the product's recipes through the whole platform (GraphQL, queue, worker, Docker,
// artifact store), and the downloads the image tests look at.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

import type { BuildInstallation } from "../build-harness.ts";
import { graphql } from "../start-test-server.ts";

const run = promisify(execFile);

/** A login the image tests configure: "tester" with password "bbos-login". */
export const TEST_USER = {
  name: "tester",
  password: "bbos-login",
  passwordHash:
    "$6$bbosimagetest$MJh0xXNQw70Hy1EXxdYnxL9dLwC0ib5icaMCnYJ..OpPefllUcE.9qOrdEaSqvnOM0TXjX5OuPnzLq2MeMykt0",
};

export interface ArtifactJson {
  kind: string;
  name: string;
  size: number;
  sha256: string;
  downloadUrl: string;
}

export interface BuildJson {
  id: string;
  status: string;
  errorMessage: string | null;
  artifacts: ArtifactJson[];
}

const FIELDS = "id status errorMessage artifacts { kind name size sha256 downloadUrl }";

/** Saves `config` as a version, builds it (`force`: never reuse) and waits until it ends. */
export async function buildImage(
  installation: BuildInstallation,
  config: object,
  options: { force?: boolean; versionId?: string; timeoutMs?: number } = {},
): Promise<{ build: BuildJson; versionId: string; seconds: number }> {
  const versionId = options.versionId ?? (await installation.saveVersion(config));
  const started = performance.now();
  const { body } = await graphql<{
    startBuild: { build: BuildJson | null; validation: { issues: { message: string }[] } };
  }>(
    installation.server.url,
    `mutation ($input: StartBuildInput!) { startBuild(input: $input) { validation { issues { message } } build { ${FIELDS} } } }`,
    { input: { versionId, recipe: "debian", force: options.force ?? false } },
  );
  const started_ = body.data?.startBuild;
  if (!started_?.build) throw new Error(`startBuild refused: ${JSON.stringify(body)}`);
  const deadline = Date.now() + (options.timeoutMs ?? 45 * 60_000);
  for (;;) {
    const read = await graphql<{ build: BuildJson }>(
      installation.server.url,
      `query ($id: ID!) { build(id: $id) { ${FIELDS} } }`,
      { id: started_.build.id },
    );
    const build = read.body.data?.build;
    if (build && ["SUCCEEDED", "FAILED", "CANCELED"].includes(build.status)) {
      return { build, versionId, seconds: (performance.now() - started) / 1000 };
    }
    if (Date.now() > deadline) throw new Error(`build ${started_.build.id} still ${build?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The build's archived log, for a failure message. */
export async function buildLogText(installation: BuildInstallation, build: BuildJson) {
  const response = await fetch(new URL(`/builds/${build.id}/log.txt`, installation.server.url));
  return (await response.text()).split("\n").slice(-60).join("\n");
}

/** Downloads the build's IMAGE artifact into `dir` and decompresses it; the raw image's path. */
export async function downloadImage(
  installation: BuildInstallation,
  build: BuildJson,
  dir: string,
): Promise<string> {
  const image = build.artifacts.find((artifact) => artifact.kind === "IMAGE");
  if (!image) throw new Error(`build ${build.id} has no IMAGE artifact`);
  const response = await fetch(new URL(image.downloadUrl, installation.server.url));
  if (response.status !== 200) throw new Error(`download answered ${response.status}`);
  const path = join(dir, image.name);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
  if (!path.endsWith(".zst")) return path;
  await run("zstd", ["-d", "-q", "-f", "--rm", path]);
  return path.slice(0, -".zst".length);
}

/** A file of the image's root file system at `offsetBytes`, read with debugfs (no mounting). */
export async function readImageFile(
  image: string,
  offsetBytes: number,
  path: string,
): Promise<Buffer> {
  const { stdout } = await run("debugfs", ["-R", `cat ${path}`, `${image}?offset=${offsetBytes}`], {
    encoding: "buffer",
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}
