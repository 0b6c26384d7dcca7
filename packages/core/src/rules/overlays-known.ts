import { isMainlineBranch, mainlineOverlays, overlaysFor } from "../catalogue/overlays-for.ts";
import type { ConfigCatalogue, ConfigCatalogueBoard } from "../config-catalogue.ts";
import type { ConfigRule } from "./config-rule.ts";
import { findConfigBoard, ruleError, ruleWarning } from "./rule-helpers.ts";

/** How many known overlay names a message lists before it abbreviates. */
const MAX_LISTED = 24;

/** How many valid names a per-branch message suggests. */
const MAX_SUGGESTED = 6;

/**
 * Every `kernel.overlays` entry must be an overlay that can load on the board: OVERLAY_UNKNOWN.
 * Where the catalogue knows what loads (`overlaysFor`), a name outside it is an error.
 *
 * With the board's per-branch lists (`overlaysByBranch`, read from the kernel's overlay Makefile
 * and restricted to the board's OVERLAY_PREFIX) a name missing from the chosen branch's list is an
 * error naming the board, the branch and a few valid names. On a branch whose list is not known
 * (`null`, vendor kernels) a name another branch of the board builds passes and any other name is
 * a warning. Without them the board's `overlays`, else the family's,
 * apply as before: an error on mainline branches, a warning on others or when nothing is listed.
 */
export const overlaysKnownRule: ConfigRule = {
  name: "overlays-known",
  codes: ["OVERLAY_UNKNOWN"],
  reads: ["/board", "/kernel/overlays", "/os/branch"],
  check(config, catalogue) {
    const overlays = config.kernel?.overlays ?? [];
    const board = findConfigBoard(config, catalogue);
    if (board === null || overlays.length === 0) return [];
    const branch = config.os?.branch;
    if (board.overlaysByBranch !== undefined) return perBranch(catalogue, board, branch, overlays);

    const known = mainlineOverlays(catalogue, board);
    const mainline = branch === undefined || isMainlineBranch(branch);
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

function perBranch(
  catalogue: ConfigCatalogue,
  board: ConfigCatalogueBoard,
  branch: string | undefined,
  overlays: readonly (string | undefined)[],
) {
  const byBranch = board.overlaysByBranch ?? {};
  // Without a branch (the schema reports it), accept what some offered branch builds.
  const lists =
    branch === undefined
      ? board.branches.map((b) => overlaysFor(catalogue, board, b))
      : [overlaysFor(catalogue, board, branch)];
  const known = lists.filter((list): list is readonly string[] => list !== null);
  // A branch whose list is unknown accepts, as before, what the board's other branches build.
  const elsewhere = Object.values(byBranch).flatMap((list) => list ?? []);
  const where = branch === undefined ? "" : ` with the "${branch}" kernel`;
  const prefix = board.overlayPrefix ?? null;
  const issues = [];
  for (const [index, overlay] of overlays.entries()) {
    if (overlay === undefined || known.some((list) => list.includes(overlay))) continue;
    const path = `/kernel/overlays/${index}`;
    if (known.length === 0) {
      if (elsewhere.includes(overlay)) continue;
      issues.push(
        ruleWarning(
          path,
          "OVERLAY_UNKNOWN",
          `Overlay "${overlay}" cannot be checked: the catalogue does not know which overlays ` +
            `${board.name}${where} builds. The build fails if that kernel does not ship it.`,
        ),
      );
      continue;
    }
    const valid = [...new Set(known.flat())];
    const stripped =
      prefix !== null && overlay.startsWith(`${prefix}-`) ? overlay.slice(prefix.length + 1) : null;
    const hint =
      stripped !== null && valid.includes(stripped)
        ? ` Write it without the overlay prefix: "${stripped}".`
        : "";
    const loads = prefix === null ? "" : ` (overlays load as ${prefix}-<name>.dtbo on this board)`;
    issues.push(
      ruleError(
        path,
        "OVERLAY_UNKNOWN",
        `Overlay "${overlay}" cannot load on ${board.name}${where}${loads}.${hint} ` +
          (valid.length === 0
            ? "That kernel builds no overlays for this board."
            : `Valid names include ${suggestions(overlay, valid).join(", ")}` +
              (valid.length > MAX_SUGGESTED ? ` (${valid.length} in all).` : ".")),
      ),
    );
  }
  return issues;
}

/** Up to MAX_SUGGESTED valid names, those sharing the longest start with `overlay` first. */
function suggestions(overlay: string, valid: readonly string[]): string[] {
  const shared = (name: string) => {
    let n = 0;
    while (n < name.length && n < overlay.length && name[n] === overlay[n]) n++;
    return n;
  };
  return [...valid]
    .map((name, order) => ({ name, order, score: shared(name) }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, MAX_SUGGESTED)
    .map((entry) => entry.name);
}
