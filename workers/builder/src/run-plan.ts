// Runs a recipe's plan in the builder image: writes the plan's files to /work/in, then each step
// in its own container (the worker's cache mounted at /cache where the step asks for it), turning
// `::progress` lines and the recipe's own progress lines into progress reports.
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import type { StageTiming } from "@bbos/artifacts";
import {
  overallProgress,
  type Recipe,
  type RecipeFile,
  type RecipeOutput,
  type RecipePlan,
  type RecipeStage,
} from "@bbos/core/build";
import type Docker from "dockerode";

import { runContainer } from "./docker/run-container.ts";
import { PermanentBuildError } from "./permanent-build-error.ts";

/** The worker's cache shared by builds: a directory and the size it is kept under. */
export interface BuildCache {
  dir: string;
  limitMiB: number;
}

/** What {@link runPlan} needs. */
export interface RunPlanOptions {
  docker: Docker;
  /** The builder image's tag. */
  image: string;
  recipe: Recipe;
  plan: RecipePlan;
  /** The recipe's stages as the orchestration extended them (e.g. with compression). */
  stages: readonly RecipeStage[];
  workDir: string;
  cache: BuildCache;
  /** Whether this worker runs steps that need a privileged container. */
  allowPrivileged: boolean;
  labels: Record<string, string>;
  limits: { cpus: number; memoryBytes: number };
  log: (line: string, stream: "out" | "err" | "sys") => void;
  /** `progress` is the share of the whole build, 0 to 1. */
  progress: (stage: string, progress: number) => void;
  signal: AbortSignal;
}

const PROGRESS_LINE = /^::progress (0(?:\.\d+)?|1(?:\.0+)?)$/;

/**
 * Runs every step of the plan in order and checks that the outputs exist.
 *
 * @returns each step's start and end, for the provenance.
 * @throws PermanentBuildError naming the stage that failed and its exit code, or the missing
 * output.
 */
export async function runPlan(options: RunPlanOptions): Promise<StageTiming[]> {
  const { plan, stages, recipe, workDir, log } = options;
  // Reported progress never goes back, also where a recipe's own lines move through stages that
  // a later step is declared for.
  let highest = 0;
  const progress = (stage: string, value: number) => {
    if (value < highest) return;
    highest = value;
    options.progress(stage, value);
  };
  const privileged = plan.steps.find((step) => step.privileged);
  if (privileged && !options.allowPrivileged) {
    throw new PermanentBuildError(
      `the ${recipe.id} recipe's stage "${privileged.stage}" needs a privileged container, which this worker does not run (BUILDER_ALLOW_PRIVILEGED=true allows it on a worker host meant for it)`,
    );
  }
  await mkdir(join(workDir, "out"), { recursive: true });
  await writeFiles(join(workDir, "in"), plan.files);
  const timings: StageTiming[] = [];
  for (const step of plan.steps) {
    const title = stages.find((stage) => stage.id === step.stage)?.title ?? step.stage;
    log(`==> ${title}`, "sys");
    progress(step.stage, overallProgress(stages, step.stage, 0));
    const startedOn = new Date().toISOString();
    const result = await runContainer(
      options.docker,
      {
        image: options.image,
        script: step.script,
        env: step.cache
          ? { ...step.env, CACHE_LIMIT_MIB: String(options.cache.limitMiB) }
          : { ...step.env },
        workDir,
        mounts: step.cache
          ? [{ host: options.cache.dir, container: "/cache", readOnly: false }]
          : [],
        network: step.network,
        capAdd: [...step.capabilities],
        privileged: step.privileged ?? false,
        cpus: options.limits.cpus,
        memoryBytes: options.limits.memoryBytes,
        labels: options.labels,
      },
      {
        signal: options.signal,
        onLine: (line, stream) => {
          const marker = stream === "stdout" ? PROGRESS_LINE.exec(line) : null;
          if (marker) {
            progress(step.stage, overallProgress(stages, step.stage, Number(marker[1])));
            return;
          }
          log(line, stream === "stdout" ? "out" : "err");
          const reported = recipe.progressOf?.(line);
          if (reported && stages.some((stage) => stage.id === reported.stage)) {
            const fraction = Math.min(1, Math.max(0, reported.fraction));
            progress(reported.stage, overallProgress(stages, reported.stage, fraction));
          }
        },
      },
    );
    timings.push({ name: step.stage, startedOn, finishedOn: new Date().toISOString() });
    if (result.exitCode !== 0) {
      throw new PermanentBuildError(`stage "${title}" failed with exit code ${result.exitCode}`);
    }
    progress(step.stage, overallProgress(stages, step.stage, 1));
  }
  await assertOutput(workDir, plan.image);
  if (plan.manifest) await assertOutput(workDir, plan.manifest);
  if (plan.packageSet) await assertOutput(workDir, plan.packageSet);
  return timings;
}

/** Writes the plan's files under `dir`, refusing paths that would leave it. */
async function writeFiles(dir: string, files: readonly RecipeFile[]): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const file of files) {
    const segments = file.path.split("/");
    if (file.path.startsWith("/") || segments.some((s) => s === "" || s === "." || s === "..")) {
      throw new PermanentBuildError(
        `the recipe planned a file outside /work/in: ${JSON.stringify(file.path)}`,
      );
    }
    const target = join(dir, ...segments);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, file.content, { mode: 0o644 });
  }
}

async function assertOutput(workDir: string, output: RecipeOutput): Promise<void> {
  const found = await stat(join(workDir, "out", output.path)).catch(() => null);
  if (!found?.isFile()) {
    throw new PermanentBuildError(`the recipe did not produce its output out/${output.path}`);
  }
}
