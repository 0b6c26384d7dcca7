import type { BoardRow } from "@bbos/db";

import { DomainError } from "@bbos/core";

import type {
  BoardResolvers,
  MutationResolvers,
  QueryResolvers,
  SubscriptionResolvers,
} from "../../../generated/graphql.ts";
import { abortableIterator } from "../abortable-iterator.ts";
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
  setSecret: (_, { input }, { viewer, services }) =>
    services.boards.setSecret(viewer, {
      boardId: input.boardId,
      field: input.field,
      value: input.value ?? null,
    }),
} satisfies MutationResolvers;

export const boardSubscriptions = {
  boardValidation: {
    async subscribe(_, { boardId }, { viewer, services }) {
      const board = await services.boards.get(viewer, boardId);
      if (!board) {
        throw new DomainError(
          "NOT_FOUND",
          "No such board, or you are not a member of its project.",
        );
      }
      return abortableIterator(async function* (signal) {
        for await (const verdict of services.liveValidation.verdicts(board.id, signal)) {
          yield { boardValidation: verdict };
        }
      });
    },
  },
} satisfies SubscriptionResolvers;

/** Only boards the viewer may read reach these (board(id) and Project.boards check that). */
export const Board = {
  config: (board, _, { services }) => services.boards.config(board),
  validation: (board, _, { services }) => services.boards.validation(board),
} satisfies ResolversFor<BoardResolvers, BoardRow>;
