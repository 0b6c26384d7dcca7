// runContainer against the machine's real Docker engine, in the builder image.
import { randomUUID } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";

import type Docker from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { ContainerStoppedError, MissingImageError } from "../../src/docker/docker-errors.ts";
import { LABEL_BUILD_ID, LABEL_INSTALLATION, LABEL_WORKER_ID } from "../../src/docker/labels.ts";
import { MAX_LINE_BYTES } from "../../src/docker/line-splitter.ts";
import {
  runContainer,
  type ContainerResult,
  type ContainerStep,
} from "../../src/docker/run-container.ts";
import {
  BUILDER_IMAGE_TIMEOUT_MS,
  builderImageForTests,
  containersLabelled,
  removeInstallationContainers,
  temporaryDir,
  testDocker,
  testInstallation,
  STEP_TEST_TIMEOUT_MS,
} from "./docker-fixture.ts";

const docker: Docker = testDocker();
const installation = testInstallation();
let image = "";
let workDir: { path: string; remove: () => Promise<void> } | undefined;

beforeAll(async () => {
  image = await builderImageForTests(docker, installation);
}, BUILDER_IMAGE_TIMEOUT_MS);

afterEach(async () => {
  await workDir?.remove();
  workDir = undefined;
});

afterAll(async () => {
  // Nothing should be left; this only keeps a failed test from leaking containers.
  expect(await removeInstallationContainers(docker, installation)).toBe(0);
});

/** A step with sensible defaults in a fresh work dir; `buildId` labels it for lookups. */
async function makeStep(overrides: Partial<ContainerStep> = {}): Promise<ContainerStep> {
  workDir = await temporaryDir();
  return {
    image,
    script: "true",
    env: {},
    workDir: workDir.path,
    network: "none",
    capAdd: [],
    privileged: false,
    cpus: 1,
    memoryBytes: 256 * 1024 * 1024,
    labels: {
      [LABEL_INSTALLATION]: installation,
      [LABEL_BUILD_ID]: `build-${randomUUID()}`,
      [LABEL_WORKER_ID]: "worker-test",
    },
    ...overrides,
  };
}

interface Run {
  result: Promise<ContainerResult>;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first line of either stream that matches. */
  line: (pattern: RegExp) => Promise<string>;
}

function run(step: ContainerStep, signal = new AbortController().signal): Run {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const result = runContainer(docker, step, {
    signal,
    onLine(line, stream) {
      (stream === "stdout" ? stdout : stderr).push(line);
      for (const waiter of waiters) if (waiter.pattern.test(line)) waiter.resolve(line);
    },
  });
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = [...stdout, ...stderr].find((each) => pattern.test(each));
      if (seen !== undefined) return resolve(seen);
      waiters.push({ pattern, resolve });
      result.then(
        () => reject(new Error(`step ended without a line matching ${String(pattern)}`)),
        reject,
      );
    });
  return { result, stdout, stderr, line };
}

function buildIdOf(step: ContainerStep): string {
  return step.labels[LABEL_BUILD_ID] ?? "";
}

describe("runContainer", { timeout: STEP_TEST_TIMEOUT_MS }, () => {
  it("passes output on line by line per stream, ANSI codes intact, and returns the exit code", async () => {
    const step = await makeStep({
      script: [
        "seq 1 500",
        String.raw`printf '\033[1;31mred\033[0m and \033[32mgreen\033[0m\n'`,
        "echo 'to stderr 1' >&2",
        "echo 'to stderr 2' >&2",
        "printf 'last line without newline'",
        "exit 3",
      ].join("\n"),
    });
    const started = performance.now();
    const { result, stdout, stderr, line } = run(step);
    const firstLineMs = await line(/^1$/).then(() => performance.now() - started);
    const { exitCode, durationMs } = await result;
    console.log(
      `short step: first line after ${Math.round(firstLineMs)} ms, ${Math.round(durationMs)} ms create to exit, ${Math.round(performance.now() - started)} ms with removal`,
    );
    expect(exitCode).toBe(3);
    expect(stdout).toEqual([
      ...Array.from({ length: 500 }, (_, index) => String(index + 1)),
      "\u001b[1;31mred\u001b[0m and \u001b[32mgreen\u001b[0m",
      "last line without newline",
    ]);
    expect(stderr).toEqual(["to stderr 1", "to stderr 2"]);
  });

  it("passes a line longer than 64 KiB on in pieces of at most 64 KiB", async () => {
    const step = await makeStep({
      script: "head -c 150000 /dev/zero | tr '\\0' x; echo; echo after",
    });
    const { result, stdout } = run(step);
    expect((await result).exitCode).toBe(0);
    expect(stdout.map((line) => line.length)).toEqual([
      MAX_LINE_BYTES,
      MAX_LINE_BYTES,
      150000 - 2 * MAX_LINE_BYTES,
      5,
    ]);
  });

  it("mounts the work dir at /work, its working directory, so files it writes stay on the host", async () => {
    const step = await makeStep({ script: 'pwd; echo "made in the container" > result.txt' });
    const { result, stdout } = run(step);
    expect((await result).exitCode).toBe(0);
    expect(stdout).toEqual(["/work"]);
    await expect(readFile(`${step.workDir}/result.txt`, "utf8")).resolves.toBe(
      "made in the container\n",
    );
  });

  it("passes env values unchanged and never runs them as shell code", async () => {
    const hostile = `$(touch /work/pwned); rm -rf / \`touch /work/pwned2\` "double" 'single' \\ \nsecond line\n`;
    const step = await makeStep({
      env: { HOSTILE: hostile, WITH_EQUALS: "a=b=c", EMPTY: "" },
      script: [
        'printf %s "$HOSTILE" > /work/hostile.txt',
        'printf %s "$WITH_EQUALS" > /work/equals.txt',
        'echo "empty:[${EMPTY}]"',
      ].join("\n"),
    });
    const { result, stdout } = run(step);
    expect((await result).exitCode).toBe(0);
    await expect(readFile(`${step.workDir}/hostile.txt`, "utf8")).resolves.toBe(hostile);
    await expect(readFile(`${step.workDir}/equals.txt`, "utf8")).resolves.toBe("a=b=c");
    expect(stdout).toEqual(["empty:[]"]);
    await expect(access(`${step.workDir}/pwned`)).rejects.toThrow(/ENOENT/);
    await expect(access(`${step.workDir}/pwned2`)).rejects.toThrow(/ENOENT/);
  });

  it("sets CPU and memory limits, network mode, capabilities and labels on the container", async () => {
    const name = `bbos-test-limits-${randomUUID().slice(0, 8)}`;
    const step = await makeStep({
      name,
      cpus: 1.5,
      memoryBytes: 300 * 1024 * 1024,
      capAdd: ["SYS_ADMIN"],
      script: [
        "if [ -f /sys/fs/cgroup/memory.max ]; then",
        '  echo "memory $(cat /sys/fs/cgroup/memory.max)"; echo "cpu $(cat /sys/fs/cgroup/cpu.max)"',
        "else",
        '  echo "memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"',
        '  echo "cpu $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"',
        "fi",
        "echo running",
        "sleep 600",
      ].join("\n"),
    });
    const controller = new AbortController();
    const running = run(step, controller.signal);
    running.result.catch(() => undefined);
    await running.line(/^running$/);
    const info = await docker.getContainer(name).inspect();
    controller.abort("limits inspected");
    await expect(running.result).rejects.toBeInstanceOf(ContainerStoppedError);

    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.NanoCpus).toBe(1_500_000_000);
    expect(info.HostConfig.Memory).toBe(300 * 1024 * 1024);
    expect(info.HostConfig.NetworkMode).toBe("none");
    expect(info.HostConfig.CapAdd).toEqual(["SYS_ADMIN"]);
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.Config.Labels).toMatchObject(step.labels);
    expect(info.Config.Tty).toBe(false);
    // And the kernel enforces them inside the container.
    expect(running.stdout[0]).toBe(`memory ${300 * 1024 * 1024}`);
    const [quota, period] = (running.stdout[1] ?? "").replace(/^cpu /, "").split(" ").map(Number);
    expect((quota ?? 0) / (period ?? 1)).toBe(1.5);
  });

  it("removes the container after success, after failure, and after abort", async () => {
    for (const script of ["true", "exit 7"]) {
      const step = await makeStep({ script });
      await run(step).result;
      expect(await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step))).toEqual([]);
      await workDir?.remove();
    }
    const step = await makeStep({ script: "echo up; sleep 600" });
    const controller = new AbortController();
    const running = run(step, controller.signal);
    running.result.catch(() => undefined);
    await running.line(/^up$/);
    expect(await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step))).toHaveLength(1);
    controller.abort("test over");
    await expect(running.result).rejects.toThrow(ContainerStoppedError);
    expect(await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step))).toEqual([]);
  });

  it("stops an aborted step at once: it rejects, and the container is gone within 5 s", async () => {
    const step = await makeStep({ script: "echo sleeping; sleep 600" });
    const controller = new AbortController();
    const running = run(step, controller.signal);
    running.result.catch(() => undefined);
    await running.line(/^sleeping$/);

    const abortedAt = performance.now();
    controller.abort(new Error("worker shutting down"));
    const error = await running.result.then(
      () => null,
      (caught: unknown) => caught,
    );
    const rejectedMs = performance.now() - abortedAt;
    const remaining = await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step));
    const goneMs = performance.now() - abortedAt;
    console.log(
      `abort → rejected in ${Math.round(rejectedMs)} ms, container gone by ${Math.round(goneMs)} ms`,
    );

    expect(error).toBeInstanceOf(ContainerStoppedError);
    expect((error as Error).message).toMatch(
      /^container \S+ was stopped and removed: worker shutting down$/,
    );
    expect(remaining).toEqual([]);
    expect(goneMs).toBeLessThan(5_000);
  });

  it("does not create a container for a step whose signal is already aborted", async () => {
    const step = await makeStep();
    const controller = new AbortController();
    controller.abort("cancelled before start");
    await expect(run(step, controller.signal).result).rejects.toThrow(/cancelled before start/);
    expect(await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step))).toEqual([]);
  });

  it("stops a step aborted while its container is being created", async () => {
    const step = await makeStep({ script: "echo started; sleep 600" });
    const controller = new AbortController();
    const running = run(step, controller.signal);
    controller.abort("aborted during create");
    await expect(running.result).rejects.toThrow(/was stopped and removed: aborted during create/);
    expect(running.stdout).toEqual([]);
    expect(await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step))).toEqual([]);
  });

  it("stops the step and rejects with the error when onLine throws", async () => {
    const step = await makeStep({ script: "echo boom; sleep 600" });
    const result = runContainer(docker, step, {
      signal: new AbortController().signal,
      onLine: () => {
        throw new Error("log sink failed");
      },
    });
    await expect(result).rejects.toThrow("log sink failed");
    expect(await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step))).toEqual([]);
  });

  it("fails with a message naming a missing image", async () => {
    const missing = `bbos-missing-${randomUUID().slice(0, 8)}:nope`;
    const step = await makeStep({ image: missing });
    const error = await run(step).result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingImageError);
    expect((error as Error).message).toContain(`image "${missing}" does not exist`);
    expect(await containersLabelled(docker, LABEL_BUILD_ID, buildIdOf(step))).toEqual([]);
  });

  it("refuses a step without the installation label", async () => {
    const step = await makeStep({ labels: {} });
    await expect(run(step).result).rejects.toThrow(/labels must include io.bbos.installation/);
  });
});

describe("runContainer networking", { timeout: STEP_TEST_TIMEOUT_MS }, () => {
  // PostgreSQL listens on 127.0.0.1:5432 on these machines. A listener of the test's own on all
  // addresses shows that the host's non-loopback address is reachable at all (with "host").
  const hostIp = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal)?.address;
  let listener: Server;
  let listenerPort = 0;

  beforeAll(async () => {
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, "0.0.0.0", resolve));
    listenerPort = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener.close(resolve));
  });

  // Probes each "ip:port" in TARGETS (an env value, not part of the script) and prints the outcome.
  const probeScript = [
    "for target in $TARGETS; do",
    '  if timeout 5 bash -c "exec 3<>/dev/tcp/${target%:*}/${target#*:}" 2>/dev/null; then',
    '    echo "reached $target"',
    "  else",
    '    echo "blocked $target"',
    "  fi",
    "done",
  ].join("\n");

  it("reaches the host's PostgreSQL on 127.0.0.1:5432 with network host", async () => {
    expect(hostIp, "a non-loopback IPv4 address of this host").toBeDefined();
    const targets = ["127.0.0.1:5432", `${hostIp}:${listenerPort}`];
    const step = await makeStep({
      network: "host",
      env: { TARGETS: targets.join(" ") },
      script: probeScript,
    });
    const { result, stdout } = run(step);
    expect((await result).exitCode).toBe(0);
    expect(stdout).toEqual(targets.map((target) => `reached ${target}`));
  });

  it("reaches neither loopback nor the host's address with network none", async () => {
    const targets = [
      "127.0.0.1:5432",
      `${hostIp}:5432`,
      `127.0.0.1:${listenerPort}`,
      `${hostIp}:${listenerPort}`,
    ];
    const step = await makeStep({
      network: "none",
      env: { TARGETS: targets.join(" ") },
      script: probeScript,
    });
    const { result, stdout } = run(step);
    expect((await result).exitCode).toBe(0);
    expect(stdout).toEqual(targets.map((target) => `blocked ${target}`));
  });
});
