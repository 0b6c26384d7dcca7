// Pure figures of a build: its cache key, its overall progress and its remaining time.
import { canonicalJson } from "../canonical-json.ts";
import type { JsonObject } from "../safe-json.ts";
import { sha256Hex } from "../sha256-hex.ts";
import type { RecipeOutput, RecipePlan, RecipeStage } from "./recipe.ts";

/** Everything a build's output depends on; equal inputs give an equal cache key. */
export interface CacheKeyInput {
  /** SHA-256 of the config version's canonical JSON. */
  contentHash: string;
  recipe: { id: string; version: string };
  /** The hash of the builder image's definition (the same on every engine). */
  builderImageId: string;
  /** Files the config references (overlay files, scripts), by path and SHA-256. */
  files: readonly { path: string; sha256: string }[];
}

/** The build cache key: SHA-256 (hex) of the canonical JSON of `input`, files sorted by path. */
export function buildCacheKey(input: CacheKeyInput): string {
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sha256Hex(
    canonicalJson({
      contentHash: input.contentHash,
      recipe: { id: input.recipe.id, version: input.recipe.version },
      builderImageId: input.builderImageId,
      files: files.map(({ path, sha256 }) => ({ path, sha256 })),
    }),
  );
}

/**
 * The share of the whole build done when stage `stageId` is `fraction` done: the weights of
 * the stages before it plus its own weighted fraction, over all weights. An unknown stage
 * counts as not started.
 */
export function overallProgress(
  stages: readonly RecipeStage[],
  stageId: string,
  fraction: number,
): number {
  const total = stages.reduce((sum, stage) => sum + stage.weight, 0);
  const index = stages.findIndex((stage) => stage.id === stageId);
  const current = stages[index];
  if (total <= 0 || !current) return 0;
  const before = stages.slice(0, index).reduce((sum, stage) => sum + stage.weight, 0);
  const within = Math.min(1, Math.max(0, fraction)) * current.weight;
  return (before + within) / total;
}

/** What {@link estimateRemainingMs} looks at. */
export interface EtaInput {
  /** Durations of earlier successful builds of the same board and recipe. */
  historyMs: readonly number[];
  /** Time since the current attempt started. */
  elapsedMs: number;
  /** Share done, 0 to 1. */
  progress: number;
}

/**
 * Milliseconds left, or null (unknown) without history. The median earlier duration is the
 * expectation; once the build runs longer than that, the remainder is extrapolated from its
 * own progress rate instead of claiming it is about to finish.
 */
export function estimateRemainingMs({ historyMs, elapsedMs, progress }: EtaInput): number | null {
  if (historyMs.length === 0) return null;
  const sorted = [...historyMs].sort((a, b) => a - b);
  const upper = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const lower = sorted[Math.ceil(sorted.length / 2) - 1] ?? upper;
  const median = (lower + upper) / 2;
  if (elapsedMs < median) return Math.round(median - elapsedMs);
  if (progress <= 0 || progress >= 1) return 0;
  return Math.round((elapsedMs * (1 - progress)) / progress);
}

/** How the downloadable image is compressed (`image.compression` of a board config). */
export type ImageCompression = "xz" | "zstd" | "none";

/** The stage id of the compression step {@link withImageCompression} adds. */
const COMPRESS_STAGE = "compress";

const COMPRESSORS = {
  // -T0: all cores; both tools write the same bytes for the same input, level and version.
  xz: { extension: ".xz", contentType: "application/x-xz", command: 'xz -q -T0 -6 -c -- "$IMAGE"' },
  zstd: {
    extension: ".zst",
    contentType: "application/zstd",
    command: 'zstd -q -T0 -12 -c -- "$IMAGE"',
  },
} as const;

/** `image.compression` of a board config: how its downloadable image is compressed. */
export function imageCompressionOf(config: JsonObject): ImageCompression {
  const image = config["image"];
  const value =
    image && typeof image === "object" && !Array.isArray(image) ? image["compression"] : undefined;
  return value === "zstd" || value === "none" ? value : "xz";
}

/**
 * The stages a build goes through: the recipe's, then compression (a tenth of the expected
 * time) unless the image stays raw.
 */
export function buildStages(
  stages: readonly RecipeStage[],
  compression: ImageCompression = "xz",
): readonly RecipeStage[] {
  if (compression === "none") return stages;
  const total = stages.reduce((sum, stage) => sum + stage.weight, 0);
  return [
    ...stages,
    {
      id: COMPRESS_STAGE,
      title: `Compressing the image (${compression})`,
      weight: total > 0 ? total / 9 : 1,
    },
  ];
}

/**
 * The plan with one more step that compresses its raw image as the config asks (`xz`, the
 * schema's default, `zstd`, or `none`), without network, and the stages with one more for it
 * (a tenth of the expected time); the image output becomes the compressed file. Recipes write
 * raw images and leave compression to this. The stages are {@link buildStages}.
 */
export function withImageCompression(
  plan: RecipePlan,
  stages: readonly RecipeStage[],
  compression: ImageCompression = "xz",
): { plan: RecipePlan; stages: readonly RecipeStage[] } {
  if (compression === "none") return { plan, stages };
  const compressor = COMPRESSORS[compression];
  const image: RecipeOutput = {
    path: plan.image.path + compressor.extension,
    name: plan.image.name + compressor.extension,
    contentType: compressor.contentType,
  };
  return {
    plan: {
      ...plan,
      steps: [
        ...plan.steps,
        {
          stage: COMPRESS_STAGE,
          network: "none",
          capabilities: [],
          cache: false,
          env: { IMAGE: `out/${plan.image.path}`, COMPRESSED: `out/${image.path}` },
          script: `${compressor.command} > "$COMPRESSED"\nrm -- "$IMAGE"`,
        },
      ],
      image,
    },
    stages: buildStages(stages, compression),
  };
}
