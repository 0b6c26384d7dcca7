import type { ConfigRule } from "./config-rule.ts";
import {
  findBoardFamily,
  findConfigBoard,
  listForMessage,
  recipeOf,
  ruleError,
} from "./rule-helpers.ts";

/**
 * `os.release` must be one the recipe builds (`releases[recipe]` in the catalogue), narrowed by
 * the board's family restriction (`families[f].releases[recipe]`) and, for the debian recipe, by
 * the Debian releases whose U-Boot package ships the board's target (`bootloader.releases`).
 * Without a known board only the recipe's list applies. Skipped when the board cannot use the
 * recipe (RECIPE_UNSUPPORTED says so).
 */
export const releaseSupportedRule: ConfigRule = {
  name: "release-supported",
  codes: ["RELEASE_UNSUPPORTED"],
  reads: ["/board", "/os/release", "/build/recipe"],
  check(config, catalogue) {
    const release = config.os?.release;
    if (release === undefined) return [];
    const recipe = recipeOf(config);
    const recipeReleases = catalogue.releases[recipe];
    if (!recipeReleases.includes(release)) {
      return [
        unsupported(`the ${recipe} recipe does not build release "${release}"`, recipeReleases),
      ];
    }
    const board = findConfigBoard(config, catalogue);
    if (board === null || !board.recipes.includes(recipe)) return [];

    const familyReleases = findBoardFamily(board, catalogue)?.releases?.[recipe];
    if (familyReleases !== undefined && !familyReleases.includes(release)) {
      return [
        unsupported(
          `boards of the ${board.family} family accept only some releases with the ${recipe} recipe`,
          recipeReleases.filter((r) => familyReleases.includes(r)),
        ),
      ];
    }
    const bootloader = board.bootloader;
    if (recipe === "debian" && bootloader?.releases !== undefined) {
      const shipped = bootloader.releases;
      if (!shipped.includes(release)) {
        return [
          unsupported(
            `Debian's ${bootloader.package} package ships the boot loader for ${board.name} ` +
              `(${bootloader.target}) only in some releases`,
            recipeReleases.filter(
              (r) => shipped.includes(r) && (familyReleases?.includes(r) ?? true),
            ),
          ),
        ];
      }
    }
    return [];
  },
};

function unsupported(reason: string, allowed: readonly string[]) {
  const choice =
    allowed.length === 0
      ? "no release is available for this combination"
      : `choose ${listForMessage(allowed)}`;
  return ruleError(
    "/os/release",
    "RELEASE_UNSUPPORTED",
    `${reason.charAt(0).toUpperCase()}${reason.slice(1)}; ${choice}.`,
  );
}
