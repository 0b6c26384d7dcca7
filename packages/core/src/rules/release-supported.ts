import { isEndOfSupport, releaseLimits, type ReleaseLimit } from "../catalogue/releases-for.ts";
import type { ConfigRule } from "./config-rule.ts";
import {
  findConfigBoard,
  listForMessage,
  recipeOf,
  ruleError,
  ruleWarning,
} from "./rule-helpers.ts";

/**
 * `os.release` must be one the recipe builds (`releases[recipe]` in the catalogue), narrowed by
 * the board's family restriction (`families[f].releases[recipe]`) and, for the debian recipe, by
 * the Debian releases whose U-Boot package ships the board's target (`bootloader.releases`):
 * the steps of `releaseLimits`, reported at the first that leaves the release out.
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
    const support = catalogue.releaseSupport?.[recipe]?.[release];
    if (support !== undefined && isEndOfSupport(catalogue, recipe, release)) {
      return [
        unsupported(
          `${recipe === "armbian" ? "Armbian" : recipe} has ended support for "${release}" ` +
            `(support level ${support.support})`,
          catalogue.releases[recipe].filter((r) => !isEndOfSupport(catalogue, recipe, r)),
        ),
      ];
    }
    const board = findConfigBoard(config, catalogue);
    const usable = board !== null && board.recipes.includes(recipe) ? board : null;
    const limit = releaseLimits(catalogue, usable, recipe).find(
      (step) => !step.releases.includes(release),
    );
    if (limit !== undefined)
      return [unsupported(reasonFor(limit, recipe, release), limit.releases)];
    return expertWarning(catalogue, recipe, release);
  },
};

type Catalogue = Parameters<ConfigRule["check"]>[1];
type Recipe = keyof Catalogue["releases"];

/** Why `limit` leaves `release` out, for the message. */
function reasonFor(limit: ReleaseLimit, recipe: Recipe, release: string): string {
  switch (limit.by) {
    case "recipe":
      return `the ${recipe} recipe does not build release "${release}"`;
    case "family":
      return `boards of the ${limit.family} family accept only some releases with the ${recipe} recipe`;
    case "bootloader":
      return (
        `Debian's ${limit.bootloader.package} package ships the boot loader for ` +
        `${limit.board.name} (${limit.bootloader.target}) only in some releases`
      );
  }
}

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
