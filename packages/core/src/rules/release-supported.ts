import type { ConfigRule } from "./config-rule.ts";
import {
  findBoardFamily,
  findConfigBoard,
  listForMessage,
  recipeOf,
  ruleError,
  ruleWarning,
} from "./rule-helpers.ts";

/** Upstream support levels that mean the release is no longer maintained at all. */
const END_OF_SUPPORT: ReadonlySet<string> = new Set(["eos"]);

/**
 * `os.release` must be one the recipe builds (`releases[recipe]` in the catalogue), narrowed by
 * the board's family restriction (`families[f].releases[recipe]`) and, for the debian recipe, by
 * the Debian releases whose U-Boot package ships the board's target (`bootloader.releases`).
 * Without a known board only the recipe's list applies. Skipped when the board cannot use the
 * recipe (RECIPE_UNSUPPORTED says so).
 *
 * With the catalogue's `releaseSupport`: a release upstream marks end of support (`eos`) is an
 * error that says so, also when the recipe's list still has it; a release the recipe builds
 * whose upstream needs EXPERT=yes (Armbian: every level but `supported`) is the warning
 * RELEASE_EXPERT: it builds, but in Armbian's expert mode and without its support.
 */
export const releaseSupportedRule: ConfigRule = {
  name: "release-supported",
  codes: ["RELEASE_UNSUPPORTED", "RELEASE_EXPERT"],
  reads: ["/board", "/os/release", "/build/recipe"],
  check(config, catalogue) {
    const release = config.os?.release;
    if (release === undefined) return [];
    const recipe = recipeOf(config);
    const recipeReleases = catalogue.releases[recipe];
    const support = catalogue.releaseSupport?.[recipe]?.[release];
    if (support !== undefined && END_OF_SUPPORT.has(support.support)) {
      return [
        unsupported(
          `${recipe === "armbian" ? "Armbian" : recipe} has ended support for "${release}" ` +
            `(support level ${support.support})`,
          recipeReleases.filter((r) => !END_OF_SUPPORT.has(supportOf(catalogue, recipe, r))),
        ),
      ];
    }
    if (!recipeReleases.includes(release)) {
      return [
        unsupported(`the ${recipe} recipe does not build release "${release}"`, recipeReleases),
      ];
    }
    const board = findConfigBoard(config, catalogue);
    const expert = expertWarning(catalogue, recipe, release);
    if (board === null || !board.recipes.includes(recipe)) return expert;

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
    return expert;
  },
};

type Catalogue = Parameters<ConfigRule["check"]>[1];
type Recipe = keyof Catalogue["releases"];

function expertWarning(catalogue: Catalogue, recipe: Recipe, release: string) {
  const support = catalogue.releaseSupport?.[recipe]?.[release];
  if (support?.expert !== true) return [];
  const supported = catalogue.releases[recipe].filter(
    (r) => catalogue.releaseSupport?.[recipe]?.[r]?.expert === false,
  );
  return [
    ruleWarning(
      "/os/release",
      "RELEASE_EXPERT",
      `Armbian supports "${release}" only at level "${support.support}": its build framework ` +
        `builds it only with EXPERT=yes, and Armbian does not support the result. ` +
        `Fully supported: ${listForMessage(supported, "and")}.`,
    ),
  ];
}

function supportOf(catalogue: Catalogue, recipe: Recipe, release: string): string {
  return catalogue.releaseSupport?.[recipe]?.[release]?.support ?? "";
}

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
