// `npm run build-image -w @bbos/builder -- CONFIG.json OUT_DIR`: builds the disk image of one board
// config on this machine's Docker engine, without the platform (no database, queue or storage):
// the same recipe steps a worker runs, with the same cache. The image is OUT_DIR/out/disk.img.
// Environment: DOCKER_HOST, DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, BUILDER_CACHE_DIR (default ./data/cache),
// SOURCE_DATE_EPOCH (default 1767225600, 2026-01-01), BUILDER_CPUS and BUILDER_MEMORY_MB.
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";

import type { JsonObject } from "@bbos/core/build";
import { builderImageDefinition, productRecipes } from "@bbos/recipes";

import { detectDebianMirror, detectDebianSecurityMirror } from "../src/docker/apt-mirror.ts";
import { createDocker } from "../src/docker/index.ts";
import { buildLocally } from "../src/local-build.ts";

const [configPath, outDir] = process.argv.slice(2);
if (!configPath || !outDir) {
  console.error("usage: build-image CONFIG.json OUT_DIR");
  process.exit(2);
}
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => controller.abort(`received ${signal}`));
}

try {
  const config = JSON.parse(await readFile(configPath, "utf8")) as JsonObject;
  const { recipe: recipeId = "debian" } = (config.build ?? {}) as { recipe?: string };
  const recipe = productRecipes.find((candidate) => candidate.id === recipeId);
  if (!recipe) throw new Error(`no recipe "${recipeId}"`);
  const result = await buildLocally({
    docker: createDocker(process.env.DOCKER_HOST || undefined),
    recipe,
    config,
    workDir: resolve(outDir),
    cache: { dir: resolve(process.env.BUILDER_CACHE_DIR || "data/cache"), limitMiB: 20 * 1024 },
    debianMirror:
      process.env.DEBIAN_MIRROR || (await detectDebianMirror(builderImageDefinition.release)),
    debianSecurityMirror:
      process.env.DEBIAN_SECURITY_MIRROR ||
      (await detectDebianSecurityMirror(builderImageDefinition.release)),
    sourceDateEpoch: Number(process.env.SOURCE_DATE_EPOCH || 1767225600),
    limits: {
      cpus: Number(process.env.BUILDER_CPUS || availableParallelism()),
      memoryBytes: Number(process.env.BUILDER_MEMORY_MB || 8192) * 1024 * 1024,
    },
    log: (line) => console.log(line),
    signal: controller.signal,
  });
  for (const { stage, seconds } of result.stages) console.log(`${stage}: ${seconds.toFixed(1)} s`);
  console.log(`built ${result.image} in ${result.seconds.toFixed(1)} s`);
} catch (error) {
  console.error(`build-image: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
