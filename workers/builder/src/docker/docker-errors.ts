// The Docker adapter's error vocabulary. Callers (the recipe runner) decide what is retried:
// an unreachable engine is transient, a missing image is not.

/** No Docker engine answers at the endpoint the client was created for. */
export class DockerUnavailableError extends Error {
  override readonly name = "DockerUnavailableError";

  constructor(
    /** The endpoint that was tried, e.g. `unix:///var/run/docker.sock`. */
    readonly endpoint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A container step names an image the engine does not have (nothing is ever pulled). */
export class MissingImageError extends Error {
  override readonly name = "MissingImageError";

  constructor(
    readonly image: string,
    options?: { cause?: unknown },
  ) {
    super(
      `image "${image}" does not exist on the Docker engine; images are never pulled from a registry, so make it first (the builder image: npm run builder-image -w @bbos/builder)`,
      options,
    );
  }
}

/** A running container step was stopped before it finished, because its signal was aborted. */
export class ContainerStoppedError extends Error {
  override readonly name = "ContainerStoppedError";

  constructor(
    /** The container's name or id. */
    readonly container: string,
    /** The abort reason of the step's signal. */
    readonly reason: unknown,
  ) {
    super(`container ${container} was stopped and removed: ${describeReason(reason)}`, {
      cause: reason,
    });
  }
}

/** The HTTP status of an error from dockerode, or `undefined` for other errors. */
export function dockerStatusCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return undefined;
  const { statusCode } = error;
  return typeof statusCode === "number" ? statusCode : undefined;
}

/** The engine's own message from a dockerode error (`json.message`), else the error's message. */
export function dockerMessage(error: unknown): string {
  if (typeof error === "object" && error !== null && "json" in error) {
    const { json } = error;
    if (typeof json === "object" && json !== null && "message" in json) {
      const { message } = json;
      if (typeof message === "string") return message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

/** An abort reason as text: the message of an `Error`, else the value itself. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === "string" ? reason : (JSON.stringify(reason) ?? String(reason));
}
