import { findBoardFamily } from "../catalogue/find-board-family.ts";
import type { ConfigRule } from "./config-rule.ts";
import { findConfigBoard, ruleError } from "./rule-helpers.ts";

/**
 * Catalogue consistency for the chosen board: its family must exist (BOARD_FAMILY_UNKNOWN) and
 * have the board's architecture (ARCH_MISMATCH). Both are catalogue bugs, not user mistakes, but a
 * build from an inconsistent entry would produce an unbootable image, so they block.
 *
 * Board-config schemas 1 and 2 carry no architecture of their own (it always follows from the
 * board), so there is no config-side architecture to compare; a future schema that adds one
 * should extend this rule.
 */
export const catalogueConsistencyRule: ConfigRule = {
  name: "catalogue-consistency",
  codes: ["BOARD_FAMILY_UNKNOWN", "ARCH_MISMATCH"],
  reads: ["/board"],
  check(config, catalogue) {
    const board = findConfigBoard(config, catalogue);
    if (board === null) return [];
    const family = findBoardFamily(board, catalogue);
    if (family === null) {
      return [
        ruleError(
          "/board",
          "BOARD_FAMILY_UNKNOWN",
          `The board catalogue is inconsistent: board "${board.id}" belongs to family ` +
            `"${board.family}", which the catalogue does not define.`,
        ),
      ];
    }
    if (family.architecture !== board.architecture) {
      return [
        ruleError(
          "/board",
          "ARCH_MISMATCH",
          `The board catalogue is inconsistent: board "${board.id}" is ${board.architecture} but ` +
            `its family "${board.family}" is ${family.architecture}.`,
        ),
      ];
    }
    return [];
  },
};
