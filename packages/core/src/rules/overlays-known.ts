import type { ConfigRule } from "./config-rule.ts";
import { findBoardFamily, findConfigBoard, ruleError, ruleWarning } from "./rule-helpers.ts";

/** The catalogue's overlay lists describe the overlays of Armbian's mainline kernels. */
const MAINLINE_BRANCHES: ReadonlySet<string> = new Set(["current", "edge"]);

/** How many known overlay names a message lists before it abbreviates. */
const MAX_LISTED = 24;

/**
 * Every `kernel.overlays` entry must be an overlay the catalogue lists for the board (its own
 * list, else its family's): OVERLAY_UNKNOWN, an error. When the check cannot be trusted it is a
 * warning with the same code instead: the catalogue lists no overlays for the board, or the
 * kernel branch is not mainline (vendor and legacy kernels ship their own overlays).
 */
export const overlaysKnownRule: ConfigRule = {
  name: "overlays-known",
  codes: ["OVERLAY_UNKNOWN"],
  reads: ["/board", "/kernel/overlays", "/os/branch"],
  check(config, catalogue) {
    const overlays = config.kernel?.overlays ?? [];
    const board = findConfigBoard(config, catalogue);
    if (board === null || overlays.length === 0) return [];
    const known = board.overlays ?? findBoardFamily(board, catalogue)?.overlays ?? [];
    const branch = config.os?.branch;
    const mainline = branch === undefined || MAINLINE_BRANCHES.has(branch);
    const issues = [];
    for (const [index, overlay] of overlays.entries()) {
      if (overlay === undefined || known.includes(overlay)) continue;
      const path = `/kernel/overlays/${index}`;
      if (known.length === 0) {
        issues.push(
          ruleWarning(
            path,
            "OVERLAY_UNKNOWN",
            `Overlay "${overlay}" cannot be checked: the catalogue lists no overlays for ` +
              `${board.name}. The build fails if the kernel does not ship it.`,
          ),
        );
      } else if (!mainline) {
        issues.push(
          ruleWarning(
            path,
            "OVERLAY_UNKNOWN",
            `Overlay "${overlay}" is not among the mainline overlays of ${board.name} and cannot ` +
              `be checked for the "${branch}" kernel, which ships its own.`,
          ),
        );
      } else {
        const listed =
          known.length > MAX_LISTED
            ? `${known.slice(0, MAX_LISTED).join(", ")}, … (${known.length - MAX_LISTED} more)`
            : known.join(", ");
        issues.push(
          ruleError(
            path,
            "OVERLAY_UNKNOWN",
            `Unknown overlay "${overlay}" for ${board.name} (family ${board.family}); ` +
              `known overlays: ${listed}.`,
          ),
        );
      }
    }
    return issues;
  },
};
