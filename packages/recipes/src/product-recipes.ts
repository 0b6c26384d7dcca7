import type { Recipe } from "@bbos/core/build";

/**
 * The recipes the platform offers (the API lists them, workers run them). The `debian` and
 * `armbian` recipes join this list as they land; until then it is empty, and `startBuild`
 * refuses every recipe by name.
 */
export const productRecipes: readonly Recipe[] = [];
