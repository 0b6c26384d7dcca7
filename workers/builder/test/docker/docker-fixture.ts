// Shared by the Docker integration tests: a client for the machine's engine, an installation name
// of this test run (so that labels, and cleanup by label, never reach another checkout's objects),
// and the builder image, made once (a few minutes) and found by later runs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type Docker from "dockerode";

import { uniquePrefix } from "@bbos/test-utils";

import { ensureBuilderImage } from "../../src/docker/builder-image.ts";
import { createDocker } from "../../src/docker/docker-client.ts";
import { LABEL_INSTALLATION } from "../../src/docker/labels.ts";

/** Making the builder image from nothing: debootstrap plus apt, about 2–3 minutes here. */
export const BUILDER_IMAGE_TIMEOUT_MS = 15 * 60_000;

/**
 * Per test: a few containers each start in about a second when the machine is idle, but other
 * checkouts' builds share the engine and the two cores, which made single tests take 15 s.
 */
export const STEP_TEST_TIMEOUT_MS = 120_000;

export function testDocker(): Docker {
  return createDocker(process.env.DOCKER_HOST || undefined);
}

/** An installation name no other test run uses, e.g. `bbos_t_<host>_<pid>_<start>_<uuid>`. */
export function testInstallation(): string {
  return `${uniquePrefix()}-docker`;
}

/**
 * The builder image's tag, made first if the engine lacks it; prints how long that took.
 * Call in `beforeAll` with {@link BUILDER_IMAGE_TIMEOUT_MS}.
 */
export async function builderImageForTests(docker: Docker, installation: string): Promise<string> {
  const image = await ensureBuilderImage(docker, {
    installation,
    log: (line) => console.log(`[builder image] ${line}`),
  });
  const how = image.made ? "made" : "found";
  console.log(`builder image ${image.tag} ${how} in ${Math.round(image.durationMs)} ms`);
  return image.tag;
}

/** Force-removes the containers labelled with `installation` (only this run's own). */
export async function removeInstallationContainers(
  docker: Docker,
  installation: string,
): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_INSTALLATION}=${installation}`] },
  });
  for (const container of containers) {
    await docker.getContainer(container.Id).remove({ force: true });
  }
  return containers.length;
}

/** Ids of the containers (running or not) carrying `label=value`. */
export async function containersLabelled(
  docker: Docker,
  label: string,
  value: string,
): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${label}=${value}`] },
  });
  return containers.map((container) => container.Id);
}

/** A temporary host directory, removed by the returned function. */
export async function temporaryDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "bbos-step-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
