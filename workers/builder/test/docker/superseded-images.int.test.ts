// removeSupersededImages against the real engine, with tiny imported images of this test run.
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";

import type Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";

import { followImageStream } from "../../src/docker/image-stream.ts";
import { LABEL_IMAGE_DEFINITION, LABEL_INSTALLATION } from "../../src/docker/labels.ts";
import { removeSupersededImages } from "../../src/docker/superseded-images.ts";
import { tarFile } from "../../src/docker/tar-file.ts";
import { STEP_TEST_TIMEOUT_MS, testDocker, testInstallation } from "./docker-fixture.ts";

const docker: Docker = testDocker();
const installation = testInstallation();
const otherInstallation = testInstallation();
const repository = `bbos-test-superseded-${randomUUID().slice(0, 8)}`;
const created: string[] = [];

afterAll(async () => {
  for (const id of created)
    await docker
      .getImage(id)
      .remove({ force: true })
      .catch(() => undefined);
});

/** Imports a one-file image as `repository:tag` with the given labels; returns its id. */
async function importTiny(tag: string, labels: Record<string, string>): Promise<string> {
  const response = await docker.importImage(Readable.from([tarFile("content", randomUUID())]), {
    repo: repository,
    tag,
    changes: Object.entries(labels).map(
      ([name, value]) => `LABEL ${name}=${JSON.stringify(value)}`,
    ),
  });
  const events = await followImageStream(docker, response, () => undefined);
  const id = events
    .map((event) => event.status ?? "")
    .find((status) => status.startsWith("sha256:"));
  if (!id) throw new Error(`import reported no image id: ${JSON.stringify(events)}`);
  created.push(id);
  return id;
}

async function exists(id: string): Promise<boolean> {
  return docker
    .getImage(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

describe("removeSupersededImages", { timeout: STEP_TEST_TIMEOUT_MS }, () => {
  it("removes this installation's untagged copies of the definition, and nothing else", async () => {
    const definitionHash = randomUUID();
    const ours = { [LABEL_INSTALLATION]: installation, [LABEL_IMAGE_DEFINITION]: definitionHash };
    const superseded = await importTiny("latest", ours);
    const current = await importTiny("latest", ours); // takes the tag: `superseded` is dangling
    const otherDefinition = await importTiny("other", {
      [LABEL_INSTALLATION]: installation,
      [LABEL_IMAGE_DEFINITION]: randomUUID(),
    });
    await importTiny("other", ours); // leaves otherDefinition dangling, but it has another hash
    const theirs = await importTiny("theirs", {
      [LABEL_INSTALLATION]: otherInstallation,
      [LABEL_IMAGE_DEFINITION]: definitionHash,
    });
    await importTiny("theirs", ours); // leaves theirs dangling, but it is another installation's

    const lines: string[] = [];
    const removed = await removeSupersededImages(docker, {
      installation,
      definitionHash,
      log: (line) => lines.push(line),
    });

    expect(removed).toBe(1);
    expect(lines).toEqual([`removed superseded image ${superseded}`]);
    expect(await exists(superseded)).toBe(false);
    for (const id of [current, otherDefinition, theirs]) expect(await exists(id)).toBe(true);
  });
});
