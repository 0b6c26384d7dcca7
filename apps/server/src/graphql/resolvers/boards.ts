import type { BoardRow } from "@bbos/db";

import type {
  BoardResolvers,
  MutationResolvers,
  QueryResolvers,
} from "../../../generated/graphql.ts";
import type { ResolversFor } from "../resolvers-for.ts";

export const boardQueries = {
  board: (_, { id }, { viewer, services }) => services.boards.get(viewer, id),
  exportBoard: (_, { id }, { viewer, services }) => services.boards.export(viewer, id),
} satisfies QueryResolvers;

export const boardMutations = {
  createBoard: async (_, { input }, { viewer, services }) => ({
    board: await services.boards.create(viewer, input),
  }),
  importBoard: (_, { input }, { viewer, services }) => services.boards.import(viewer, input),
  renameBoard: async (_, { input }, { viewer, services }) => ({
    board: await services.boards.rename(viewer, input.boardId, input.name),
  }),
  duplicateBoard: async (_, { input }, { viewer, services }) => ({
    board: await services.boards.duplicate(viewer, input.boardId, input.name),
  }),
  archiveBoard: async (_, { input }, { viewer, services }) => ({
    board: await services.boards.archive(viewer, input.boardId),
  }),
  restoreBoard: async (_, { input }, { viewer, services }) => ({
    board: await services.boards.restore(viewer, input.boardId),
  }),
  upgradeBoardSchema: (_, { input }, { viewer, services }) =>
    services.boards.upgradeSchema(viewer, input.boardId, input.schemaId),
} satisfies MutationResolvers;

/** Only boards the viewer may read reach these (board(id) and Project.boards check that). */
export const Board = {
  config: (board, _, { services }) => services.boards.config(board),
  validation: (board, _, { services }) => services.boards.validation(board),
} satisfies ResolversFor<BoardResolvers, BoardRow>;
