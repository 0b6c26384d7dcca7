import type { ConfigRule } from "./config-rule.ts";
import { findConfigBoard, listForMessage, recipeOf, ruleError } from "./rule-helpers.ts";

/**
 * The build recipe (explicit or the default `debian`) must be one the board supports; when Debian
 * has the board's boot loader but it is not enough (bootloader.buildable false) the message says why.
 */
export const recipeSupportedRule: ConfigRule = {
  name: "recipe-supported",
  codes: ["RECIPE_UNSUPPORTED"],
  reads: ["/board", "/build/recipe"],
  check(config, catalogue) {
    const board = findConfigBoard(config, catalogue);
    if (board === null) return [];
    const recipe = recipeOf(config);
    if (board.recipes.includes(recipe)) return [];
    const implicit = config.build?.recipe === undefined ? " (the default when none is set)" : "";
    const bootloader = board.bootloader;
    const why =
      recipe === "debian" && bootloader?.buildable === false && bootloader.reason !== undefined
        ? ` ${bootloader.reason}`
        : "";
    return [
      ruleError(
        "/build/recipe",
        "RECIPE_UNSUPPORTED",
        `${board.name} cannot be built with the ${recipe} recipe${implicit}; ` +
          `use ${listForMessage(board.recipes)}.${why}`,
      ),
    ];
  },
};
