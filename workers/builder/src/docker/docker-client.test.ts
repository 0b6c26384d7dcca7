import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { createDocker, describeEngine, dockerEndpoint } from "./docker-client.ts";
import { DockerUnavailableError } from "./docker-errors.ts";

describe("createDocker", () => {
  it("takes unix:// and tcp:// addresses, and the default socket without one", () => {
    expect(dockerEndpoint(createDocker("unix:///run/other.sock"))).toBe("unix:///run/other.sock");
    expect(dockerEndpoint(createDocker("tcp://10.0.0.5:2375"))).toBe("tcp://10.0.0.5:2375");
    expect(dockerEndpoint(createDocker())).toBe("unix:///var/run/docker.sock");
  });

  it("refuses addresses of other forms, naming the supported ones", () => {
    for (const address of ["ssh://me@host", "10.0.0.5:2375", "unix://relative.sock", "tcp://h"]) {
      expect(() => createDocker(address)).toThrow(/use unix:\/\/\/path\/to\/docker.sock or tcp/);
    }
  });
});

describe("describeEngine", () => {
  it("says which socket was tried and what to do when it does not exist", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bbos-docker-"));
    try {
      const error = await describeEngine(createDocker(`unix://${dir}/docker.sock`)).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DockerUnavailableError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^no Docker engine answers at unix://${dir}/docker.sock: the socket does not exist`,
        ),
      );
      expect((error as Error).message).toMatch(/dockerd .*set DOCKER_HOST/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a refused TCP connection", async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    await expect(describeEngine(createDocker(`tcp://127.0.0.1:${port}`))).rejects.toThrow(
      `no Docker engine answers at tcp://127.0.0.1:${port}: the connection was refused`,
    );
  });
});
