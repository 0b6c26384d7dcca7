import type { ConfigCatalogue, ConfigCatalogueBoard } from "../config-catalogue.ts";
import { findBoardFamily } from "./find-board-family.ts";

/** Without per-branch lists, the catalogue's lists describe Armbian's mainline kernels. */
const MAINLINE_BRANCHES: ReadonlySet<string> = new Set(["current", "edge"]);

/** `branch` is one of Armbian's mainline kernels, which the board-wide overlay lists describe. */
export function isMainlineBranch(branch: string): boolean {
  return MAINLINE_BRANCHES.has(branch);
}

/**
 * The board-wide overlay list of a board without per-branch lists: the board's own
 * (`overlays`), else its family's; empty when the catalogue lists none. It describes the
 * mainline kernels ({@link isMainlineBranch}).
 */
export function mainlineOverlays(
  catalogue: ConfigCatalogue,
  board: ConfigCatalogueBoard,
): readonly string[] {
  return board.overlays ?? findBoardFamily(board, catalogue)?.overlays ?? [];
}

/**
 * The overlay names (without the board's `overlayPrefix`) that load on `board` with the
 * `branch` kernel, in the catalogue's order, or `null` when the catalogue does not know them.
 *
 * With per-branch lists (`overlaysByBranch`) that is the branch's list (`null` there, or no
 * entry for the branch, means unknown). Without them it is {@link mainlineOverlays} on a
 * mainline branch, and unknown on other branches (they ship their own) or when nothing is listed.
 * A name outside a known list is the error OVERLAY_UNKNOWN (rules/overlays-known.ts).
 */
export function overlaysFor(
  catalogue: ConfigCatalogue,
  board: ConfigCatalogueBoard,
  branch: string,
): readonly string[] | null {
  const byBranch = board.overlaysByBranch;
  if (byBranch !== undefined) {
    return Object.hasOwn(byBranch, branch) ? (byBranch[branch] ?? null) : null;
  }
  const listed = mainlineOverlays(catalogue, board);
  return isMainlineBranch(branch) && listed.length > 0 ? listed : null;
}
