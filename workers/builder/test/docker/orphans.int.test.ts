// removeOrphanContainers against the real engine: only this installation's containers of dead
// workers go.
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { LABEL_BUILD_ID, LABEL_INSTALLATION, LABEL_WORKER_ID } from "../../src/docker/labels.ts";
import { removeOrphanContainers } from "../../src/docker/orphans.ts";
import {
  BUILDER_IMAGE_TIMEOUT_MS,
  builderImageForTests,
  removeInstallationContainers,
  testDocker,
  testInstallation,
  STEP_TEST_TIMEOUT_MS,
} from "./docker-fixture.ts";

const docker: Docker = testDocker();
const installation = testInstallation();
const otherInstallation = testInstallation();
let image = "";

beforeAll(async () => {
  image = await builderImageForTests(docker, installation);
}, BUILDER_IMAGE_TIMEOUT_MS);

afterAll(async () => {
  await removeInstallationContainers(docker, installation);
  await removeInstallationContainers(docker, otherInstallation);
});

async function createLabelled(labels: Record<string, string>, start: boolean): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["sleep", "600"],
    Labels: labels,
    HostConfig: { NetworkMode: "none" },
  });
  if (start) await container.start();
  return container.id;
}

async function exists(id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

describe("removeOrphanContainers", { timeout: STEP_TEST_TIMEOUT_MS }, () => {
  it("removes this installation's containers of dead workers, running or not, and nothing else", async () => {
    const ours = { [LABEL_INSTALLATION]: installation };
    const deadRunning = await createLabelled(
      { ...ours, [LABEL_WORKER_ID]: "worker-dead", [LABEL_BUILD_ID]: "build-1" },
      true,
    );
    const deadCreated = await createLabelled(
      { ...ours, [LABEL_WORKER_ID]: "worker-dead", [LABEL_BUILD_ID]: "build-2" },
      false,
    );
    const deadWithoutBuild = await createLabelled(
      { ...ours, [LABEL_WORKER_ID]: "worker-gone" },
      false,
    );
    const live = await createLabelled(
      { ...ours, [LABEL_WORKER_ID]: "worker-live", [LABEL_BUILD_ID]: "build-3" },
      true,
    );
    const unowned = await createLabelled(ours, false);
    const otherInstallations = await createLabelled(
      { [LABEL_INSTALLATION]: otherInstallation, [LABEL_WORKER_ID]: "worker-dead" },
      true,
    );

    const asked: string[] = [];
    const { removed } = await removeOrphanContainers(docker, {
      installation,
      isWorkerAlive: (workerId) => {
        asked.push(workerId);
        return Promise.resolve(workerId === "worker-live");
      },
    });

    expect(removed).toHaveLength(3);
    expect(removed).toEqual(
      expect.arrayContaining([
        { id: deadRunning, buildId: "build-1" },
        { id: deadCreated, buildId: "build-2" },
        { id: deadWithoutBuild, buildId: null },
      ]),
    );
    expect(asked.sort()).toEqual(["worker-dead", "worker-gone", "worker-live"]);
    for (const id of [deadRunning, deadCreated, deadWithoutBuild])
      expect(await exists(id)).toBe(false);
    for (const id of [live, unowned, otherInstallations]) expect(await exists(id)).toBe(true);
  });

  it("finds nothing to remove for an installation without containers", async () => {
    await expect(
      removeOrphanContainers(docker, {
        installation: testInstallation(),
        isWorkerAlive: () => Promise.resolve(false),
      }),
    ).resolves.toEqual({ removed: [] });
  });
});
