import type {
  ConfigCatalogue,
  ConfigCatalogueBoard,
  ConfigCatalogueFamily,
} from "../config-catalogue.ts";

/** The board's family, or `null` when the catalogue lacks it. */
export function findBoardFamily(
  board: ConfigCatalogueBoard,
  catalogue: ConfigCatalogue,
): ConfigCatalogueFamily | null {
  return Object.hasOwn(catalogue.families, board.family)
    ? (catalogue.families[board.family] ?? null)
    : null;
}
