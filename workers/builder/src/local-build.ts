// One board config built on this machine's Docker engine without the platform (no database,
// queue or artifact store): the steps a worker runs, with the same cache. For the build-image
// script and the benches.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import {
  canonicalJson,
  sha256Hex,
  withImageCompression,
  type JsonObject,
  type Recipe,
} from "@bbos/core/build";

import { ensureBuilderImage } from "./docker/builder-image.ts";
import type Docker from "dockerode";
import { runPlan, type BuildCache } from "./run-plan.ts";

/** What {@link buildLocally} needs. */
export interface LocalBuildOptions {
  docker: Docker;
  recipe: Recipe;
  config: JsonObject;
  /** The build's work directory; the image ends up in `<workDir>/out/`. */
  workDir: string;
  cache: BuildCache;
  debianMirror: string;
  debianSecurityMirror: string;
  sourceDateEpoch: number;
  limits: { cpus: number; memoryBytes: number };
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** How long a local build took, in all and per stage (seconds). */
export interface LocalBuildResult {
  image: string;
  seconds: number;
  stages: { stage: string; seconds: number }[];
}

/**
 * Builds `config` with `recipe` (uncompressed image), making the builder image first if the engine
 * lacks it.
 *
 * @throws Error when the recipe does not support the config, it names project files, or a stage
 *   fails.
 */
export async function buildLocally(options: LocalBuildOptions): Promise<LocalBuildResult> {
  const { recipe, config, log } = options;
  const supported = recipe.supports(config);
  if (!supported.ok) throw new Error(supported.reason);
  if (Array.isArray(config.files) && config.files.length > 0) {
    throw new Error(
      "the config copies project files (its extra files), which only a build on the platform has; remove them to build it here",
    );
  }
  const image = await ensureBuilderImage(options.docker, {
    installation: "local",
    mirror: options.debianMirror,
    log,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await mkdir(options.workDir, { recursive: true });
  await mkdir(options.cache.dir, { recursive: true });
  const { plan, stages } = withImageCompression(
    recipe.plan({
      config,
      contentHash: sha256Hex(canonicalJson(config)),
      sourceDateEpoch: options.sourceDateEpoch,
      debianMirror: options.debianMirror,
      debianSecurityMirror: options.debianSecurityMirror,
    }),
    recipe.stages,
    "none",
  );
  const started = performance.now();
  const timings = await runPlan({
    docker: options.docker,
    image: image.tag,
    recipe,
    plan,
    stages,
    workDir: options.workDir,
    cache: options.cache,
    allowPrivileged: false,
    labels: { "io.bbos.installation": "local" },
    limits: options.limits,
    log,
    progress: () => undefined,
    signal: options.signal ?? new AbortController().signal,
  });
  return {
    image: join(options.workDir, "out", plan.image.path),
    seconds: (performance.now() - started) / 1000,
    stages: timings.map((timing) => ({
      stage: timing.name,
      seconds:
        (new Date(timing.finishedOn).getTime() - new Date(timing.startedOn).getTime()) / 1000,
    })),
  };
}
