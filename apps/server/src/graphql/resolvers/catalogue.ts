import { overlaysFor, releasesFor } from "@bbos/core";
import { boardCatalogue, type CatalogueBoard as CatalogueBoardEntry } from "@bbos/schemas";

import type { CatalogueBoardResolvers, QueryResolvers } from "../../../generated/graphql.ts";
import type { ResolversFor } from "../resolvers-for.ts";

/** The hardware catalogue from @bbos/schemas (not the project's board documents). */
export const catalogueQueries = {
  catalogueBoards: (_, { architecture }) =>
    architecture
      ? boardCatalogue.boards.filter((board) => board.architecture === architecture)
      : [...boardCatalogue.boards],
} satisfies QueryResolvers;

/** What a board accepts, in the core's words: the same answers validation gives. */
export const CatalogueBoard = {
  releases: (board) =>
    board.recipes.flatMap((recipe) =>
      releasesFor(boardCatalogue, board, recipe).map((release) => ({ recipe, ...release })),
    ),
  overlays: (board) =>
    board.branches.map((branch) => {
      const names = overlaysFor(boardCatalogue, board, branch);
      // A copy: the generated types want a mutable list, the catalogue's is read-only.
      return { branch, names: names === null ? null : [...names] };
    }),
} satisfies ResolversFor<CatalogueBoardResolvers, CatalogueBoardEntry>;

// The SDL spells enum values in capitals; the catalogue and the core use lower case.
export const catalogueEnums = {
  Architecture: { ARM64: "arm64", ARMHF: "armhf", AMD64: "amd64" },
  Recipe: { DEBIAN: "debian", ARMBIAN: "armbian" },
  SupportTier: { STANDARD: "standard", COMMUNITY: "community", VIRTUAL: "virtual" },
  PartitionTable: { MSDOS: "msdos", GPT: "gpt" },
} as const;
