import type { ConfigRule } from "./config-rule.ts";
import { findConfigBoard, listForMessage, recipeOf, ruleError } from "./rule-helpers.ts";

/** The branch the debian recipe always uses: the release's stock kernel. */
const DEBIAN_RECIPE_BRANCH = "current";

/**
 * `os.branch` must be one the board offers; with the debian recipe it must be `current`. Skipped
 * when the board cannot use the recipe at all (RECIPE_UNSUPPORTED says so).
 */
export const branchSupportedRule: ConfigRule = {
  name: "branch-supported",
  codes: ["BRANCH_UNSUPPORTED"],
  reads: ["/board", "/os/branch", "/build/recipe"],
  check(config, catalogue) {
    const board = findConfigBoard(config, catalogue);
    const branch = config.os?.branch;
    const recipe = recipeOf(config);
    if (board === null || branch === undefined || !board.recipes.includes(recipe)) return [];
    if (recipe === "debian" && branch !== DEBIAN_RECIPE_BRANCH) {
      return [
        ruleError(
          "/os/branch",
          "BRANCH_UNSUPPORTED",
          `The debian recipe installs the release's stock kernel, so the kernel branch must be ` +
            `"${DEBIAN_RECIPE_BRANCH}", not "${branch}" (other branches need the armbian recipe).`,
        ),
      ];
    }
    if (board.branches.includes(branch)) return [];
    return [
      ruleError(
        "/os/branch",
        "BRANCH_UNSUPPORTED",
        `${board.name} does not offer kernel branch "${branch}"; choose ` +
          `${listForMessage(board.branches)}.`,
      ),
    ];
  },
};
