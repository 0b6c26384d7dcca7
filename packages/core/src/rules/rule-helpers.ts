import type { BuildRecipe } from "@bbos/schemas";

import type { ConfigCatalogue, ConfigCatalogueBoard } from "../config-catalogue.ts";
import type { ValidationIssue } from "../validation-result.ts";
import type { ConfigRuleInput } from "./config-rule.ts";

/** The recipe used when `build.recipe` is absent: the schemas' `default`. */
const DEFAULT_BUILD_RECIPE: BuildRecipe = "debian";

/** Shorthand for an issue of severity `"error"`. */
export function ruleError(path: string, code: string, message: string): ValidationIssue {
  return { path, code, message, severity: "error" };
}

/** Shorthand for an issue of severity `"warning"`. */
export function ruleWarning(path: string, code: string, message: string): ValidationIssue {
  return { path, code, message, severity: "warning" };
}

/** The catalogue board the config names, or `null` (absent or unknown board). */
export function findConfigBoard(
  config: ConfigRuleInput,
  catalogue: ConfigCatalogue,
): ConfigCatalogueBoard | null {
  if (typeof config.board !== "string") return null;
  let index = boardIndexes.get(catalogue);
  if (index === undefined) {
    index = new Map(catalogue.boards.map((board) => [board.id, board]));
    boardIndexes.set(catalogue, index);
  }
  return index.get(config.board) ?? null;
}

/**
 * Boards by id, per catalogue object. Several rules look the board up on every validation; the
 * catalogue is treated as immutable data, so the index never goes stale.
 */
const boardIndexes = new WeakMap<ConfigCatalogue, Map<string, ConfigCatalogueBoard>>();

/** `build.recipe`, or the schemas' default when absent. */
export function recipeOf(config: ConfigRuleInput): BuildRecipe {
  return config.build?.recipe ?? DEFAULT_BUILD_RECIPE;
}

/** `"a", "b" or "c"` for messages. */
export function listForMessage(values: readonly string[], conjunction = "or"): string {
  const quoted = values.map((value) => `"${value}"`);
  if (quoted.length === 0) return "(none)";
  if (quoted.length === 1) return quoted[0] ?? "";
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted.at(-1) ?? ""}`;
}
