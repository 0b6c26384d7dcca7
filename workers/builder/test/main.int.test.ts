// Runs src/main.ts as a real process (through tsx), the way `npm run dev` does, to check the
// wiring: environment, startup log, the missing recipe runner, and signal handling.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

import { afterEach, describe, expect, it, vi } from "vitest";

import { createBuildQueue, createRedisConnection, enqueueBuild } from "@bbos/queue";
import { testRedisUrl, uniquePrefix } from "@bbos/test-utils";

const builderDir = fileURLToPath(new URL("..", import.meta.url));

interface RunningMain {
  child: ChildProcess;
  output: () => string;
}

const children: ChildProcess[] = [];

function startMain(env: Record<string, string>): RunningMain {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: builderDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

describe("builder main", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "logs ready, fails builds it cannot run, and exits 0 on %s",
    async (signal) => {
      const prefix = uniquePrefix();
      const producer = createRedisConnection(testRedisUrl(), { role: "producer" });
      const queue = createBuildQueue(producer, { prefix });
      try {
        const main = startMain({ REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix });
        await vi.waitFor(() => expect(main.output()).toContain('"msg":"builder ready"'), {
          timeout: 20_000,
          interval: 50,
        });
        expect(main.output()).toContain(`"prefix":"${prefix}"`);
        expect(main.output()).toContain('"queue":"builds"');

        const buildId = randomUUID();
        await enqueueBuild(queue, { buildId });
        await vi.waitFor(async () => expect(await queue.getJobState(buildId)).toBe("failed"), {
          timeout: 10_000,
          interval: 50,
        });
        expect((await queue.getJob(buildId))?.failedReason).toBe(
          "no recipe runner is configured on this worker",
        );

        main.child.kill(signal);
        expect(await exitCode(main.child)).toBe(0);
        expect(main.output()).toContain('"msg":"builder stopped"');
      } finally {
        await queue.obliterate({ force: true });
        await queue.close();
        await producer.quit();
      }
    },
  );

  it("exits 1 and lists every problem when the environment is invalid", async () => {
    const main = startMain({ BUILDER_CONCURRENCY: "many", LOG_LEVEL: "loud" });
    expect(await exitCode(main.child)).toBe(1);
    expect(main.output()).toContain("invalid builder configuration:");
    expect(main.output()).toContain('BUILDER_CONCURRENCY: must be a whole number (got "many")');
    expect(main.output()).toContain("LOG_LEVEL: must be one of");
  });
});
