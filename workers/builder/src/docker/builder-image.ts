// The builder image, the one image every recipe step runs in, made on this worker's engine from
// its definition in @bbos/recipes (the API puts the definition's hash into build cache keys).
import { Readable } from "node:stream";

import type Docker from "dockerode";

import {
  baseImageTag,
  builderImageDefinition,
  builderImageId,
  builderImageTag,
} from "@bbos/recipes";

import { detectDebianMirror } from "./apt-mirror.ts";
import { makeBaseImage } from "./base-image.ts";
import { dockerEndpoint, toUnavailable } from "./docker-client.ts";
import { describeReason, dockerStatusCode } from "./docker-errors.ts";
import { followImageStream } from "./image-stream.ts";
import { assertInstallation, LABEL_IMAGE_DEFINITION, LABEL_INSTALLATION } from "./labels.ts";
import { runShared, type TaskRegistry } from "./shared-task.ts";
import { removeSupersededImages } from "./superseded-images.ts";
import { tarFile } from "./tar-file.ts";

/** Options for {@link ensureBuilderImage}. */
export interface EnsureBuilderImageOptions {
  /** Images made are labelled `io.bbos.installation=<installation>`. */
  installation: string;
  /**
   * The Debian archive to download from (the caller's `DEBIAN_MIRROR`).
   * @defaultValue the bookworm entry of the host's apt configuration, else deb.debian.org
   */
  mirror?: string;
  /** Progress lines: debootstrap output, build steps, timings. */
  log: (line: string) => void;
  /** Aborting makes this call reject; the making stops once no caller waits for it any more. */
  signal?: AbortSignal;
}

/** What {@link ensureBuilderImage} found or made. */
export interface BuilderImage {
  /** {@link builderImageTag}: what container steps name as their image. */
  tag: string;
  /** {@link builderImageId}: the definition hash, for build cache keys. */
  id: string;
  /** The engine's id of the image (`sha256:…`), which differs from machine to machine. */
  imageId: string;
  /** Whether this call made it (false: it existed already). */
  made: boolean;
  durationMs: number;
}

const makings: TaskRegistry = new Map();

/**
 * Makes sure the engine has the builder image, and returns at once when it does.
 *
 * Otherwise it makes the base image if that is missing too (debootstrap on the host, so this
 * needs root; see `makeBaseImage`), then builds the builder image from the definition's
 * Dockerfile with host networking (the only way RUN steps reach the mirror where the engine has
 * no bridge network), logging progress and how long each part took.
 *
 * Calls in one process for the same engine share one making. Two processes at once each make the
 * image and both end with it under the same tag: the later one's image wins the tag, and the
 * earlier one's, left untagged, is removed if it is not in use (see `removeSupersededImages`).
 *
 * @throws Error naming the failed part: root or debootstrap missing, debootstrap or the
 * import failing, a failing build step (with the engine's message), or an abort.
 */
export async function ensureBuilderImage(
  docker: Docker,
  options: EnsureBuilderImageOptions,
): Promise<BuilderImage> {
  const { installation, log, signal } = options;
  assertInstallation(installation);
  const started = performance.now();
  const tag = builderImageTag();
  const existing = await findImageId(docker, tag);
  if (existing) {
    return {
      tag,
      id: builderImageId(),
      imageId: existing,
      made: false,
      durationMs: elapsed(started),
    };
  }
  const imageId = await runShared(
    makings,
    `${dockerEndpoint(docker)} ${tag}`,
    `making the builder image ${tag}`,
    (context) => makeBuilderImage(docker, { installation, mirror: options.mirror, ...context }),
    { log, signal },
  );
  return { tag, id: builderImageId(), imageId, made: true, durationMs: elapsed(started) };
}

async function makeBuilderImage(
  docker: Docker,
  options: {
    installation: string;
    mirror?: string;
    log: (line: string) => void;
    signal: AbortSignal;
  },
): Promise<string> {
  const { installation, log, signal } = options;
  const started = performance.now();
  const tag = builderImageTag();
  const mirror = options.mirror ?? (await detectDebianMirror(builderImageDefinition.release));
  log(`builder image ${tag} is missing: making it (Debian mirror ${mirror})`);

  const base = baseImageTag();
  if (await findImageId(docker, base)) {
    log(`base image ${base} exists`);
  } else {
    const baseStarted = performance.now();
    await makeBaseImage(docker, { installation, mirror, log, signal });
    log(`base image ${base} made in ${seconds(elapsed(baseStarted))}`);
  }

  const buildStarted = performance.now();
  const response = await docker.buildImage(
    Readable.from([tarFile("Dockerfile", builderImageDefinition.dockerfile)]),
    {
      t: tag,
      labels: { [LABEL_INSTALLATION]: installation, [LABEL_IMAGE_DEFINITION]: builderImageId() },
      // No bridge network on these engines: RUN steps reach the mirror through the host's.
      networkmode: "host",
      // The base is local; never ask a registry for it.
      pull: false,
      // Intermediate containers cannot carry labels: remove them even when a step fails.
      rm: true,
      forcerm: true,
      abortSignal: signal,
    },
  );
  let pendingText = "";
  await followImageStream(docker, response, (event) => {
    if (event.stream === undefined) return;
    const lines = (pendingText + event.stream).split("\n");
    pendingText = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") log(`build: ${line}`);
  }).catch((error: unknown) => {
    throw new Error(`building the builder image ${tag} failed: ${describeReason(error)}`, {
      cause: error,
    });
  });
  if (pendingText.trim() !== "") log(`build: ${pendingText}`);
  const imageId = await findImageId(docker, tag);
  if (!imageId) throw new Error(`the build of ${tag} ended, but the engine has no such image`);
  log(`builder image ${tag} built in ${seconds(elapsed(buildStarted))}`);
  await removeSupersededImages(docker, { installation, definitionHash: builderImageId(), log });
  log(`builder image ${tag} made in ${seconds(elapsed(started))}`);
  return imageId;
}

/** The engine's id of the image `name`, or `null` when there is none. */
async function findImageId(docker: Docker, name: string): Promise<string | null> {
  try {
    const image = await docker.getImage(name).inspect();
    return image.Id;
  } catch (error) {
    if (dockerStatusCode(error) === 404) return null;
    throw toUnavailable(error, dockerEndpoint(docker)) ?? error;
  }
}

function elapsed(since: number): number {
  return performance.now() - since;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
