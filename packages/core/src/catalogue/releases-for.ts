import type { BuildRecipe } from "@bbos/schemas";

import type { ConfigCatalogue, ConfigCatalogueBoard } from "../config-catalogue.ts";
import { findBoardFamily } from "./find-board-family.ts";

/** A release a board accepts for a recipe. */
export interface BoardRelease {
  /** The release's code name (`trixie`), as `os.release` stores it. */
  readonly name: string;
  /**
   * Upstream builds it only in expert mode (Armbian's EXPERT=yes) and does not support the
   * result; the rules accept it with the warning RELEASE_EXPERT.
   */
  readonly expert: boolean;
}

/**
 * One narrowing of a recipe's releases, in the order they apply: the recipe's own list, the
 * board family's restriction, and for the debian recipe the releases whose U-Boot package ships
 * the board's target. `releases` is what is left after this step and every one before it, in the
 * recipe's order.
 */
export type ReleaseLimit =
  | { readonly by: "recipe"; readonly releases: readonly string[] }
  | { readonly by: "family"; readonly family: string; readonly releases: readonly string[] }
  | {
      readonly by: "bootloader";
      readonly board: ConfigCatalogueBoard;
      readonly bootloader: NonNullable<ConfigCatalogueBoard["bootloader"]>;
      readonly releases: readonly string[];
    };

/** Upstream support levels that mean the release is no longer maintained at all. */
const END_OF_SUPPORT: ReadonlySet<string> = new Set(["eos"]);

/**
 * The steps that narrow `recipe`'s releases for `board` ({@link ReleaseLimit}); with no board,
 * only the recipe's list. The caller decides whether the board can use the recipe at all.
 */
export function releaseLimits(
  catalogue: ConfigCatalogue,
  board: ConfigCatalogueBoard | null,
  recipe: BuildRecipe,
): ReleaseLimit[] {
  let releases = catalogue.releases[recipe];
  const limits: ReleaseLimit[] = [{ by: "recipe", releases }];
  if (board === null) return limits;
  const familyReleases = findBoardFamily(board, catalogue)?.releases?.[recipe];
  if (familyReleases !== undefined) {
    releases = releases.filter((release) => familyReleases.includes(release));
    limits.push({ by: "family", family: board.family, releases });
  }
  const bootloader = board.bootloader;
  const shipped = bootloader?.releases;
  if (recipe === "debian" && bootloader != null && shipped !== undefined) {
    releases = releases.filter((release) => shipped.includes(release));
    limits.push({ by: "bootloader", board, bootloader, releases });
  }
  return limits;
}

/** Upstream has ended support for `release` (`releaseSupport` level `eos`). */
export function isEndOfSupport(
  catalogue: ConfigCatalogue,
  recipe: BuildRecipe,
  release: string,
): boolean {
  const support = catalogue.releaseSupport?.[recipe]?.[release]?.support;
  return support !== undefined && END_OF_SUPPORT.has(support);
}

/**
 * The releases `board` accepts with `recipe`, in the catalogue's order, each with whether it
 * needs Armbian's expert mode: the recipe's list, narrowed by every {@link releaseLimits} step,
 * without the releases upstream no longer supports. Empty when the board cannot use the recipe;
 * otherwise exactly the releases rules/release-supported.ts lets through without an error.
 */
export function releasesFor(
  catalogue: ConfigCatalogue,
  board: ConfigCatalogueBoard,
  recipe: BuildRecipe,
): BoardRelease[] {
  if (!board.recipes.includes(recipe)) return [];
  const accepted = releaseLimits(catalogue, board, recipe).at(-1)?.releases ?? [];
  return accepted
    .filter((name) => !isEndOfSupport(catalogue, recipe, name))
    .map((name) => ({
      name,
      expert: catalogue.releaseSupport?.[recipe]?.[name]?.expert === true,
    }));
}
