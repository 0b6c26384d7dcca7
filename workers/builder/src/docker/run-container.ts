import { Writable } from "node:stream";

import type Docker from "dockerode";

import { dockerEndpoint, toUnavailable } from "./docker-client.ts";
import {
  ContainerStoppedError,
  dockerMessage,
  dockerStatusCode,
  MissingImageError,
} from "./docker-errors.ts";
import { LABEL_INSTALLATION } from "./labels.ts";
import { createLineSplitter, type LineSplitter } from "./line-splitter.ts";

/** A host directory mounted into a container step. */
export interface ContainerMount {
  /** Absolute host path. */
  host: string;
  /** Absolute path inside the container. */
  container: string;
  readOnly: boolean;
}

/** One step of a build, run as one container. */
export interface ContainerStep {
  /** A local image (never pulled), e.g. the builder image's tag. */
  image: string;
  /** Run as `bash -euo pipefail -c <script>`. */
  script: string;
  /**
   * Set as the container's environment. Values are never put into the script or any command
   * line, so they reach the step byte for byte and are never interpreted by a shell; the script
   * refers to them as `"$NAME"`.
   */
  env: Record<string, string>;
  /** Absolute host directory mounted read-write at `/work`, the container's working directory. */
  workDir: string;
  mounts?: ContainerMount[];
  /** `host` shares the host's network (downloads); `none` has loopback only. */
  network: "host" | "none";
  /** Linux capabilities to add, e.g. `["SYS_ADMIN"]` for mounts and user namespaces. */
  capAdd: string[];
  /** Many hosts (e.g. these CI machines) refuse privileged containers; prefer `capAdd`. */
  privileged: boolean;
  /** CPU limit in cores, e.g. `1.5`. */
  cpus: number;
  /** Memory limit in bytes. */
  memoryBytes: number;
  /** Container labels; must include `io.bbos.installation` (and should name build and worker). */
  labels: Record<string, string>;
  /** Container name; the engine makes one up when absent. */
  name?: string;
}

/** Options for {@link runContainer}. */
export interface RunContainerOptions {
  /**
   * Receives each output line (see `createLineSplitter` for the rules), in order per stream.
   * If it throws, the container is stopped and `runContainer` rejects with that error.
   */
  onLine(line: string, stream: "stdout" | "stderr"): void;
  /** Aborting stops the container and rejects with {@link ContainerStoppedError}. */
  signal: AbortSignal;
  /**
   * Seconds between SIGTERM and SIGKILL when stopping on abort.
   * @defaultValue 1
   */
  stopTimeoutSeconds?: number;
}

/** How a container step ended (it ran to completion; `exitCode` may still be non-zero). */
export interface ContainerResult {
  exitCode: number;
  /** From creating the container until its exit and the end of its output. */
  durationMs: number;
}

/** Why a running step was cut short. */
type Interruption = { kind: "aborted"; reason: unknown } | { kind: "onLine"; error: unknown };

/**
 * Runs `step` in a new container and resolves when it has exited and all its output has been
 * passed to `onLine`, with its exit code (a non-zero exit code resolves too; it is the caller's
 * to judge).
 *
 * Output is attached before the container starts, so no line is lost. The container is always
 * removed (forced) before this settles, whether the step succeeded, failed, or was aborted.
 *
 * On abort of `signal` the container is stopped at once (SIGTERM, SIGKILL after
 * `stopTimeoutSeconds`) and removed, then this rejects with {@link ContainerStoppedError}, whose
 * message carries the abort reason. With the default of 1 s the container is gone within about
 * 2 s of the abort.
 *
 * @throws MissingImageError when `step.image` does not exist on the engine.
 * @throws DockerUnavailableError when the engine cannot be reached.
 * @throws Error for an invalid step (relative paths, missing installation label, bad env names).
 */
export async function runContainer(
  docker: Docker,
  step: ContainerStep,
  options: RunContainerOptions,
): Promise<ContainerResult> {
  const { signal, stopTimeoutSeconds = 1 } = options;
  assertValidStep(step);
  if (signal.aborted) {
    throw new ContainerStoppedError(step.name ?? "(not created)", signal.reason);
  }
  const startedAt = performance.now();
  let container: Docker.Container;
  try {
    container = await docker.createContainer(toCreateOptions(step));
  } catch (error) {
    if (dockerStatusCode(error) === 404) throw new MissingImageError(step.image, { cause: error });
    throw (
      toUnavailable(error, dockerEndpoint(docker)) ?? withContext(error, "cannot create container")
    );
  }
  const label = step.name ?? container.id.slice(0, 12);
  let result: ContainerResult;
  try {
    const exitCode = await runCreated(container, label, docker, options, stopTimeoutSeconds);
    result = { exitCode, durationMs: performance.now() - startedAt };
  } catch (error) {
    // The step's own error is the one to report; a container that could not be removed as well
    // is left to orphan cleanup (it carries the installation and worker labels).
    await removeContainer(container, label).catch(() => undefined);
    throw error;
  }
  await removeContainer(container, label);
  return result;
}

async function runCreated(
  container: Docker.Container,
  label: string,
  docker: Docker,
  options: RunContainerOptions,
  stopTimeoutSeconds: number,
): Promise<number> {
  const { signal } = options;
  const interrupt = new AbortController();
  const onAbort = (): void => {
    interrupt.abort({ kind: "aborted", reason: signal.reason as unknown } satisfies Interruption);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  // Aborted while the container was being created: the event has fired already.
  if (signal.aborted) onAbort();
  const deliver = (stream: "stdout" | "stderr") => (line: string) => {
    if (interrupt.signal.aborted) return;
    try {
      options.onLine(line, stream);
    } catch (error) {
      interrupt.abort({ kind: "onLine", error } satisfies Interruption);
    }
  };
  const stdout = createLineSplitter(deliver("stdout"));
  const stderr = createLineSplitter(deliver("stderr"));
  const interrupted = new Promise<Interruption>((resolve) => {
    const settle = (): void => resolve(interrupt.signal.reason as Interruption);
    if (interrupt.signal.aborted) settle();
    else interrupt.signal.addEventListener("abort", settle, { once: true });
  });

  try {
    // Attached (and waited on) before start, so that neither output nor the exit can be missed.
    const output = await container.attach({ stream: true, stdout: true, stderr: true });
    docker.modem.demuxStream(output, toWritable(stdout), toWritable(stderr));
    const outputEnded = new Promise<void>((resolve, reject) => {
      output.once("end", resolve);
      output.once("close", resolve);
      output.once("error", reject);
    });
    const exited = container.wait({ condition: "next-exit" }) as Promise<{ StatusCode: number }>;
    // Both are awaited below, or dropped on interruption: keep their rejections handled.
    outputEnded.catch(() => undefined);
    exited.catch(() => undefined);

    if (!interrupt.signal.aborted) await container.start();
    const finished = Promise.all([exited, outputEnded]).then(([status]) => status.StatusCode);
    const outcome = await Promise.race([
      finished.then((exitCode) => ({ exitCode })),
      interrupted.then((interruption) => ({ interruption })),
    ]);
    if ("exitCode" in outcome) {
      stdout.end();
      stderr.end();
      // A throwing onLine for a last line counts like any other.
      if (!interrupt.signal.aborted) return outcome.exitCode;
    }
    const interruption = interrupt.signal.reason as Interruption;
    await stopContainer(container, stopTimeoutSeconds);
    if (interruption.kind === "onLine") throw interruption.error;
    throw new ContainerStoppedError(label, interruption.reason);
  } catch (error) {
    if (error instanceof ContainerStoppedError || isInterruptionError(error, interrupt)) {
      throw error;
    }
    throw toUnavailable(error, dockerEndpoint(docker)) ?? withContext(error, `container ${label}`);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

function isInterruptionError(error: unknown, interrupt: AbortController): boolean {
  const reason = interrupt.signal.reason as Interruption | undefined;
  return reason?.kind === "onLine" && reason.error === error;
}

function toCreateOptions(step: ContainerStep): Docker.ContainerCreateOptions {
  const mounts = step.mounts ?? [];
  return {
    name: step.name,
    Image: step.image,
    Cmd: ["bash", "-euo", "pipefail", "-c", step.script],
    Env: Object.entries(step.env).map(([name, value]) => `${name}=${value}`),
    WorkingDir: "/work",
    Labels: step.labels,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      Binds: [
        `${step.workDir}:/work:rw`,
        ...mounts.map(
          (mount) => `${mount.host}:${mount.container}:${mount.readOnly ? "ro" : "rw"}`,
        ),
      ],
      NetworkMode: step.network,
      CapAdd: step.capAdd,
      Privileged: step.privileged,
      NanoCpus: Math.round(step.cpus * 1e9),
      Memory: step.memoryBytes,
    },
  };
}

function assertValidStep(step: ContainerStep): void {
  const problems: string[] = [];
  if (!step.labels[LABEL_INSTALLATION]) problems.push(`labels must include ${LABEL_INSTALLATION}`);
  const paths = [
    ["workDir", step.workDir],
    ...(step.mounts ?? []).flatMap((mount, index) => [
      [`mounts[${index}].host`, mount.host],
      [`mounts[${index}].container`, mount.container],
    ]),
  ];
  for (const [what, path] of paths) {
    // Binds are "host:container:mode": a colon or comma inside a path would change their meaning.
    if (!path?.startsWith("/") || /[:,]/.test(path)) {
      problems.push(
        `${what} must be an absolute path without ":" or "," (got ${JSON.stringify(path)})`,
      );
    }
  }
  for (const name of Object.keys(step.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      problems.push(`env name ${JSON.stringify(name)} is not a valid variable name`);
    }
  }
  if (!(step.cpus > 0)) problems.push(`cpus must be positive (got ${step.cpus})`);
  if (!Number.isSafeInteger(step.memoryBytes) || step.memoryBytes < 6 * 1024 * 1024) {
    problems.push(`memoryBytes must be a whole number of at least 6 MiB (got ${step.memoryBytes})`);
  }
  if (problems.length > 0) throw new Error(`invalid container step:\n  ${problems.join("\n  ")}`);
}

function toWritable(splitter: LineSplitter): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      splitter.push(chunk);
      callback();
    },
  });
}

async function stopContainer(container: Docker.Container, seconds: number): Promise<void> {
  try {
    await container.stop({ t: seconds });
  } catch (error) {
    // 304: already stopped; 404: already gone. Anything else: the forced removal that follows
    // kills the container anyway.
    if (dockerStatusCode(error) === 304 || dockerStatusCode(error) === 404) return;
  }
}

async function removeContainer(container: Docker.Container, label: string): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = dockerStatusCode(error);
    // Already gone, or another remover (orphan cleanup) is on it.
    if (status === 404 || (status === 409 && /already in progress/i.test(dockerMessage(error)))) {
      return;
    }
    throw withContext(
      error,
      `could not remove container ${label} (orphan cleanup removes it later)`,
    );
  }
}

function withContext(error: unknown, context: string): Error {
  return new Error(`${context}: ${dockerMessage(error)}`, { cause: error });
}
