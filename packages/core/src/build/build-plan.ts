// Pure figures of a build: its cache key, its overall progress and its remaining time.
import { canonicalJson } from "../canonical-json.ts";
import { sha256Hex } from "../sha256-hex.ts";
import type { RecipeStage } from "./recipe.ts";

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
