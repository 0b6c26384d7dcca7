// Artifacts in S3 (a real S3-protocol server, s3rver): the worker uploads them, and `downloadUrl`
// is a presigned GET that serves the bytes with the file name, without passing through the API.
import { createHash } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openArtifactStorage } from "@bbos/artifacts";

import {
  ensureTestBuilderImage,
  startBuildInstallation,
  type BuildInstallation,
} from "./build-harness.ts";
import { graphql } from "./start-test-server.ts";

const BUCKET = "bbos-artifacts";
let s3: S3rver;
let installation: BuildInstallation;

beforeAll(async () => {
  await ensureTestBuilderImage();
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: await mkdtemp(join(tmpdir(), "bbos-s3rver-")),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  // s3rver's built-in account, through the AWS SDK's usual source of credentials.
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  const storage = await openArtifactStorage(
    {
      DATA_DIR: await mkdtemp(join(tmpdir(), "bbos-data-")),
      S3_BUCKET: BUCKET,
      S3_REGION: "us-east-1",
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_FORCE_PATH_STYLE: true,
    },
    () => undefined,
  );
  installation = await startBuildInstallation({ store: storage.store });
}, 900_000);
afterAll(async () => {
  await installation?.close();
  await s3?.close();
});

describe("artifacts in S3", () => {
  it("are uploaded by the worker and downloaded through presigned URLs", async () => {
    const versionId = await installation.saveVersion({
      board: "qemu-arm64",
      os: { release: "bookworm", branch: "current", variant: "minimal" },
      system: { hostname: "s3-build", ssh: { enabled: false } },
    });
    const { body } = await graphql<{ startBuild: { build: { id: string } | null } }>(
      installation.server.url,
      `
        mutation ($id: ID!) {
          startBuild(input: { versionId: $id, recipe: "shell-test" }) {
            build {
              id
            }
          }
        }
      `,
      { id: versionId },
    );
    const buildId = body.data?.startBuild.build?.id ?? "";

    let artifacts: { name: string; sha256: string; size: number; downloadUrl: string }[] = [];
    for (let tries = 0; artifacts.length === 0 && tries < 240; tries += 1) {
      const read = await graphql<{
        build: { status: string; artifacts: typeof artifacts };
      }>(
        installation.server.url,
        `
          query ($id: ID!) {
            build(id: $id) {
              status
              artifacts {
                name
                sha256
                size
                downloadUrl
              }
            }
          }
        `,
        { id: buildId },
      );
      expect(read.body.data?.build.status).not.toMatch(/FAILED|CANCELED/);
      artifacts = read.body.data?.build.artifacts ?? [];
      if (artifacts.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(artifacts).toHaveLength(9);
    for (const artifact of artifacts) {
      const url = new URL(artifact.downloadUrl);
      expect(url.origin).not.toBe(new URL(installation.server.url).origin);
      expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toContain(artifact.name);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.length).toBe(artifact.size);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(artifact.sha256);
    }
  }, 300_000);
});
