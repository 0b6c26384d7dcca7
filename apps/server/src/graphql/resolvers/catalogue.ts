import { boardCatalogue } from "@bbos/schemas";

import type { QueryResolvers } from "../../../generated/graphql.ts";

/** The hardware catalogue from @bbos/schemas (not the project's board documents). */
export const catalogueQueries = {
  catalogueBoards: (_, { architecture }) =>
    architecture
      ? boardCatalogue.boards.filter((board) => board.architecture === architecture)
      : [...boardCatalogue.boards],
} satisfies QueryResolvers;

// The SDL spells enum values in capitals; the catalogue and the core use lower case.
export const catalogueEnums = {
  Architecture: { ARM64: "arm64", ARMHF: "armhf", AMD64: "amd64" },
  Recipe: { DEBIAN: "debian", ARMBIAN: "armbian" },
  SupportTier: { STANDARD: "standard", COMMUNITY: "community", VIRTUAL: "virtual" },
  PartitionTable: { MSDOS: "msdos", GPT: "gpt" },
} as const;
