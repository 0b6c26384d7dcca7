// The bundle `npm start` runs (dist/main.js): built, started as a process, and asked for
// readiness and a query. Tests elsewhere run the sources, which resolve dependencies differently.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { createTestDatabase, testRedisUrl } from "@bbos/test-utils";

import { listeningUrl } from "./server-process.ts";

const appDir = resolve(import.meta.dirname, "..");
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
});

describe("production bundle", () => {
  it("builds, starts and serves GraphQL", async () => {
    const build = spawnSync(process.execPath, ["build.mjs"], { cwd: appDir, encoding: "utf8" });
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);

    child = spawn(process.execPath, ["dist/main.js"], {
      cwd: appDir,
      env: {
        ...process.env,
        DATABASE_URL: await createTestDatabase(),
        REDIS_URL: testRedisUrl(),
        PORT: "0",
        NODE_ENV: "production",
        DATA_DIR: await mkdtemp(join(tmpdir(), "bbos-bundle-data-")),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const url = await listeningUrl(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: '{ me { login } validateConfig(schemaId: "board-config/1", config: {}) { valid } }',
      }),
    });
    expect(await response.json()).toEqual({
      data: { me: { login: "demo" }, validateConfig: { valid: false } },
    });

    const introspection = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __schema { queryType { name } } }" }),
    });
    expect(introspection.status).toBe(400);
    expect(await introspection.text()).toContain("introspection is not allowed");

    child.kill("SIGTERM");
    const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
