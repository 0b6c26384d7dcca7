// ensureBuilderImage and describeEngine against the real engine. Making the image from nothing is
// exercised by the first run on a machine (the fixture prints how long it took); these tests then
// check what a found image looks like.
import { access } from "node:fs/promises";

import type Docker from "dockerode";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { makeBaseImage } from "../../src/docker/base-image.ts";
import { builderImageId, builderImageTag } from "@bbos/recipes";

import { ensureBuilderImage } from "../../src/docker/builder-image.ts";
import { describeEngine } from "../../src/docker/docker-client.ts";
import { LABEL_IMAGE_DEFINITION, LABEL_INSTALLATION } from "../../src/docker/labels.ts";
import {
  BUILDER_IMAGE_TIMEOUT_MS,
  builderImageForTests,
  testDocker,
  testInstallation,
  STEP_TEST_TIMEOUT_MS,
} from "./docker-fixture.ts";

const docker: Docker = testDocker();
const installation = testInstallation();

beforeAll(async () => {
  await builderImageForTests(docker, installation);
}, BUILDER_IMAGE_TIMEOUT_MS);

describe("describeEngine", { timeout: STEP_TEST_TIMEOUT_MS }, () => {
  it("reports the engine's version, storage driver and cgroup version", async () => {
    const engine = await describeEngine(docker);
    console.log("engine:", JSON.stringify(engine));
    expect(engine).toEqual({
      version: expect.stringMatching(/^\d+\.\d+/) as unknown,
      apiVersion: expect.stringMatching(/^1\.\d+$/) as unknown,
      storageDriver: expect.any(String) as unknown,
      cgroupVersion: expect.stringMatching(/^[12]$/) as unknown,
      os: "linux",
      arch: expect.any(String) as unknown,
    });
  });
});

describe("ensureBuilderImage", { timeout: STEP_TEST_TIMEOUT_MS }, () => {
  it("returns at once when the image exists, for every caller at the same time", async () => {
    const log = vi.fn();
    const results = await Promise.all(
      [1, 2, 3].map(() => ensureBuilderImage(docker, { installation, log })),
    );
    for (const result of results) {
      expect(result).toMatchObject({ tag: builderImageTag(), id: builderImageId(), made: false });
      expect(result.durationMs).toBeLessThan(2_000);
    }
    expect(log).not.toHaveBeenCalled();
  });

  it("labels the image with its definition hash and an installation", async () => {
    const image = await docker.getImage(builderImageTag()).inspect();
    expect(image.Config.Labels[LABEL_IMAGE_DEFINITION]).toBe(builderImageId());
    expect(image.Config.Labels[LABEL_INSTALLATION]).toEqual(expect.any(String));
  });

  it("fails with debootstrap's last lines when the mirror does not answer, and removes its temp dir", async () => {
    const lines: string[] = [];
    const error = await makeBaseImage(docker, {
      installation,
      // Port 9 (discard) on loopback: nothing listens, so debootstrap fails at its first download.
      mirror: "http://127.0.0.1:9/debian",
      log: (line) => lines.push(line),
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /^debootstrap failed with exit code 1; its last lines:\n/,
    );
    expect((error as Error).message).toMatch(/Failed getting release file|Retrieving InRelease/);
    const rootfs = /into (\/\S+)$/.exec(lines[0] ?? "")?.[1];
    expect(rootfs).toMatch(/bbos-base-/);
    await expect(access(rootfs ?? "")).rejects.toThrow(/ENOENT/);
  });

  it("refuses to make the base image without root, saying how to run it", async () => {
    const getuid = vi.spyOn(process, "getuid").mockReturnValue(1000);
    try {
      await expect(
        makeBaseImage(docker, { installation, mirror: "http://unused.invalid", log: () => {} }),
      ).rejects.toThrow(/needs root: run `sudo npm run builder-image -w @bbos\/builder`/);
    } finally {
      getuid.mockRestore();
    }
  });
});
