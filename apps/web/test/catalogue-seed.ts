import type { CatalogueBoard } from "../src/features/explorer/explorer-operations";

/**
 * A board as the Catalogue query returns it, every field present (a virtual arm64 machine of
 * the debian recipe unless `overrides` say otherwise).
 */
export function catalogueBoard(
  overrides: Partial<CatalogueBoard> & Pick<CatalogueBoard, "id">,
): CatalogueBoard {
  return {
    name: overrides.id,
    vendor: "QEMU",
    soc: "virt",
    architecture: "ARM64",
    supportTier: "VIRTUAL",
    branches: ["current"],
    recipes: ["DEBIAN"],
    releases: [
      { recipe: "DEBIAN", name: "bookworm", expert: false },
      { recipe: "DEBIAN", name: "trixie", expert: false },
    ],
    overlays: [{ branch: "current", names: null }],
    overlayPrefix: null,
    ...overrides,
  };
}

/** Query data that seeds the hardware catalogue with `boards`, for `renderWithQuery`. */
export function catalogueSeed(...boards: CatalogueBoard[]) {
  return [["catalogue"], { catalogueBoards: boards }] as const;
}
