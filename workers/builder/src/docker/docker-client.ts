import Docker from "dockerode";

import { DockerUnavailableError } from "./docker-errors.ts";

/** Where a client looks for the engine when no `DOCKER_HOST` is given. */
const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/** How long {@link describeEngine} waits for the engine's ping: an idle engine answers in ms. */
const PING_TIMEOUT_MS = 10_000;
/** How long it then waits for version and info, which a busy engine can be slow to report. */
const DESCRIBE_TIMEOUT_MS = 60_000;

/**
 * A dockerode client for `dockerHost`, in the forms of the `DOCKER_HOST` variable:
 * `unix:///path/to/docker.sock` or `tcp://host:port` (plain HTTP; TLS is not supported).
 * Without `dockerHost` it uses {@link DEFAULT_DOCKER_HOST}. The address is taken from the argument
 * only: the caller reads `DOCKER_HOST` (in env.ts), this module never reads the environment.
 *
 * Creating a client does not connect; {@link describeEngine} checks that the engine answers.
 *
 * @throws Error when `dockerHost` has another form (e.g. `ssh://`, `npipe://`, no scheme).
 */
export function createDocker(dockerHost: string = DEFAULT_DOCKER_HOST): Docker {
  // Every field is set, even to undefined: docker-modem merges its own DOCKER_HOST reading under
  // these options, and a stray `host` from the environment would win over `socketPath`.
  if (dockerHost.startsWith("unix://")) {
    const socketPath = dockerHost.slice("unix://".length);
    if (!socketPath.startsWith("/")) throw badDockerHost(dockerHost);
    return new Docker({ socketPath, host: undefined, port: undefined, protocol: "http" });
  }
  if (dockerHost.startsWith("tcp://")) {
    let url: URL;
    try {
      url = new URL(`http://${dockerHost.slice("tcp://".length)}`);
    } catch (error) {
      throw badDockerHost(dockerHost, error);
    }
    if (url.hostname === "" || url.port === "" || (url.pathname !== "/" && url.pathname !== "")) {
      throw badDockerHost(dockerHost);
    }
    return new Docker({
      socketPath: undefined,
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: Number(url.port),
      protocol: "http",
    });
  }
  throw badDockerHost(dockerHost);
}

/** The endpoint a client talks to, in `DOCKER_HOST` form, for messages. */
export function dockerEndpoint(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: number | string };
  if (typeof modem.socketPath === "string") return `unix://${modem.socketPath}`;
  if (modem.host !== undefined) return `tcp://${modem.host}:${String(modem.port)}`;
  return DEFAULT_DOCKER_HOST;
}

/** What {@link describeEngine} reports about the engine. */
export interface EngineDescription {
  /** Engine version, e.g. `20.10.24+dfsg1`. */
  version: string;
  /** Highest API version the engine speaks, e.g. `1.41`. */
  apiVersion: string;
  /** e.g. `overlay2`. */
  storageDriver: string;
  /** `"1"` or `"2"`. */
  cgroupVersion: string;
  /** e.g. `linux`. */
  os: string;
  /** e.g. `amd64`. */
  arch: string;
}

type WithAbort<T> = (options: { abortSignal: AbortSignal }) => Promise<T>;

/**
 * Asks the engine who it is: a ping (at most 10 s), then its version and info (at most 60 s).
 *
 * @throws DockerUnavailableError when nothing answers at the client's endpoint (socket missing,
 * connection refused, permission denied, timeout); the message names the endpoint and what to do.
 * Other errors (the engine answered with an error) propagate unchanged.
 */
export async function describeEngine(docker: Docker): Promise<EngineDescription> {
  const endpoint = dockerEndpoint(docker);
  // dockerode takes `{ abortSignal }` here, though its type declarations omit the parameter.
  const ping = docker.ping.bind(docker) as unknown as WithAbort<unknown>;
  const getVersion = docker.version.bind(docker) as unknown as WithAbort<Docker.DockerVersion>;
  const getInfo = docker.info.bind(docker) as unknown as WithAbort<Record<string, unknown>>;
  try {
    await ping({ abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
  } catch (error) {
    throw toUnavailable(error, endpoint, PING_TIMEOUT_MS) ?? error;
  }
  try {
    const abortSignal = AbortSignal.timeout(DESCRIBE_TIMEOUT_MS);
    const [version, info] = await Promise.all([
      getVersion({ abortSignal }),
      getInfo({ abortSignal }),
    ]);
    return {
      version: version.Version,
      apiVersion: version.ApiVersion,
      storageDriver: typeof info.Driver === "string" ? info.Driver : "unknown",
      // Engines before API 1.40 do not report it; they only ran on cgroup v1.
      cgroupVersion: typeof info.CgroupVersion === "string" ? info.CgroupVersion : "1",
      os: version.Os,
      arch: version.Arch,
    };
  } catch (error) {
    throw toUnavailable(error, endpoint, DESCRIBE_TIMEOUT_MS) ?? error;
  }
}

/**
 * A {@link DockerUnavailableError} for errors that mean "nothing answers", else `null`.
 * `timeoutMs` is the limit an abort or timeout error stands for, for the message.
 */
export function toUnavailable(
  error: unknown,
  endpoint: string,
  timeoutMs?: number,
): DockerUnavailableError | null {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  let problem: string;
  if (code === "ENOENT") problem = "the socket does not exist";
  else if (code === "ECONNREFUSED") problem = "the connection was refused";
  else if (code === "EACCES" || code === "EPERM") {
    problem = "permission denied on the socket (run as root or join the docker group)";
  } else if (code === "ECONNRESET" || code === "EPIPE") problem = "the connection was reset";
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN") problem = "the host name does not resolve";
  else if (code === "ETIMEDOUT" || name === "AbortError" || name === "TimeoutError") {
    problem =
      timeoutMs === undefined
        ? "the request timed out"
        : `it did not answer within ${timeoutMs / 1000} s`;
  } else return null;
  return new DockerUnavailableError(
    endpoint,
    `no Docker engine answers at ${endpoint}: ${problem}. Start one (as root: dockerd --iptables=false --bridge=none, or systemctl start docker), or set DOCKER_HOST to the engine's address (unix:///path/to/docker.sock or tcp://host:port)`,
    { cause: error },
  );
}

function badDockerHost(dockerHost: string, cause?: unknown): Error {
  return new Error(
    `DOCKER_HOST ${JSON.stringify(dockerHost)} is not supported: use unix:///path/to/docker.sock or tcp://host:port`,
    cause === undefined ? undefined : { cause },
  );
}
