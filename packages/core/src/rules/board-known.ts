import type { ConfigRule } from "./config-rule.ts";
import { listForMessage, ruleError } from "./rule-helpers.ts";

/** `board` must name a board in the catalogue; the message suggests close ids. */
export const boardKnownRule: ConfigRule = {
  name: "board-known",
  codes: ["BOARD_UNKNOWN"],
  reads: ["/board"],
  check(config, catalogue) {
    const id = config.board;
    if (id === undefined || catalogue.boards.some((board) => board.id === id)) return [];
    const suggestions = catalogue.boards
      .map((board) => ({ id: board.id, distance: idDistance(id, board.id) }))
      .filter((candidate) => candidate.distance <= MAX_SUGGESTION_DISTANCE)
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 3)
      .map((candidate) => candidate.id);
    const hint =
      suggestions.length > 0
        ? ` Did you mean ${listForMessage(suggestions)}?`
        : " See the board catalogue for the supported boards.";
    return [ruleError("/board", "BOARD_UNKNOWN", `Unknown board "${id}".${hint}`)];
  },
};

/** Ids this many edits (ignoring hyphens) from what was typed are suggested. */
const MAX_SUGGESTION_DISTANCE = 2;

/** Levenshtein distance between two ids, ignoring hyphens (`rock5b` is 0 from `rock-5b`). */
function idDistance(typed: string, candidate: string): number {
  const a = typed.replaceAll("-", "");
  const b = candidate.replaceAll("-", "");
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? Number.POSITIVE_INFINITY;
}
