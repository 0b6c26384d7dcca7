// The recipe port: what the build orchestration knows about a recipe. Everything
// recipe-specific (what runs in the container, which boards it can build) lives behind it.
import type { JsonObject } from "../safe-json.ts";

/** One stage of a recipe, with its expected share of the build's time. */
export interface RecipeStage {
  readonly id: string;
  readonly title: string;
  /** Relative expected duration; progress is the weighted share of finished stages. */
  readonly weight: number;
}

/** What a recipe gets to plan a build. The config has been validated already. */
export interface RecipeInput {
  readonly config: JsonObject;
  /** SHA-256 of the config version's canonical JSON. */
  readonly contentHash: string;
  /** Seconds since the epoch that the image's timestamps derive from (`SOURCE_DATE_EPOCH`). */
  readonly sourceDateEpoch: number;
  /** The worker's Debian archive (a config's own `build.options.mirror` wins over it). */
  readonly debianMirror: string;
  /** The worker's Debian security archive (`<release>-security`, which mirrors do not carry). */
  readonly debianSecurityMirror: string;
  /**
   * The package set an earlier build of the same config version recorded (the text of its
   * {@link RecipePlan.packageSet} output), to install again instead of resolving the packages
   * anew: how a version keeps giving the same image after the archive moves on. Absent for the
   * version's first build.
   */
  readonly recordedPackageSet?: string;
}

/**
 * One command the executor runs in the builder container, as `bash -euo pipefail -c script`
 * in `/work` (the build's work directory; outputs go to `/work/out`).
 *
 * A line `::progress <fraction>` on stdout reports how far the step's stage has got (0 to 1).
 */
export interface RecipeStep {
  readonly stage: string;
  readonly script: string;
  /** Passed as the container's environment, never interpolated into the script. */
  readonly env: Readonly<Record<string, string>>;
  /** `host` only where the step downloads; everything else runs without a network. */
  readonly network: "host" | "none";
  /** Linux capabilities the step needs beyond Docker's defaults (e.g. `SYS_ADMIN`). */
  readonly capabilities: readonly string[];
  /**
   * Whether the step needs a privileged container (loop devices and mounts, as Armbian's
   * framework does). Workers run such steps only where their operator allows it.
   */
  readonly privileged?: boolean;
  /**
   * Whether the worker's cache directory (shared by all builds on the worker) is mounted
   * read-write at `/cache`. Only steps that run nothing from the config should get it.
   */
  readonly cache: boolean;
}

/**
 * A file the executor writes to `/work/in/<path>` before the first step: how config values reach
 * scripts as data, never as script text.
 */
export interface RecipeFile {
  /** Relative, `/`-separated, without `.` or `..` segments. */
  readonly path: string;
  readonly content: string;
}

/**
 * Where the executor puts the project files a build copies into its image, relative to
 * `/work/in`: each file the config's `files` name, at `<PROJECT_FILES_DIR>/<fileId>`, holds the
 * version the build was started with (its SHA-256 checked). Recipes plan no files of their own
 * under it.
 */
export const PROJECT_FILES_DIR = "project-files";

/** A file the build publishes, relative to `/work/out`. */
export interface RecipeOutput {
  readonly path: string;
  /** The artifact's file name, e.g. `bbos-qemu-arm64-bookworm.img.zst`. */
  readonly name: string;
  readonly contentType: string;
}

/** How a recipe builds one config. */
export interface RecipePlan {
  readonly steps: readonly RecipeStep[];
  readonly files: readonly RecipeFile[];
  /**
   * The raw disk image. The orchestration compresses it as the config asks
   * (`withImageCompression`), so recipes never do.
   */
  readonly image: RecipeOutput;
  /** The installed package list (`dpkg-query` output), when the recipe makes one. */
  readonly manifest: RecipeOutput | null;
  /**
   * The exact package files the build installed, one `<sha256>  <file name>` line each
   * (sha256sum's format), when the recipe records them: published beside the image and listed as
   * the provenance's resolved dependencies.
   */
  readonly packageSet: RecipeOutput | null;
}

/** A board recipe (`debian`, `armbian`, or one a test registers). */
export interface Recipe {
  readonly id: string;
  /** Goes into the build cache key: bump it whenever the recipe's output may change. */
  readonly version: string;
  readonly title: string;
  readonly stages: readonly RecipeStage[];
  /** Whether the recipe can build `config`'s board, and why not. */
  supports(config: JsonObject): { ok: true } | { ok: false; reason: string };
  /** The container steps that build `input.config`. Pure: the same input, the same plan. */
  plan(input: RecipeInput): RecipePlan;
  /**
   * Reads progress from a line of a step's output, for recipes whose tools report it in their own
   * words (`::progress` lines work for every recipe). The stage must be one of `stages`.
   */
  progressOf?(line: string): { stage: string; fraction: number } | null;
}
