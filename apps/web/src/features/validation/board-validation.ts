// The server's verdict on a board's config (JSON Schema and cross-field rules, in the server's
// words), kept in the query cache and pushed over graphql-ws as the board is edited.
import { queryOptions, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { graphql } from "../../../generated/graphql";
import type { BoardValidationUpdatesSubscription } from "../../../generated/graphql/graphql";
import { graphqlRequest } from "../../lib/graphql";
import { subscribeLive } from "../live/live-subscription";
import { getLiveClient, type LiveClient } from "../live/live-client";

const BOARD_VALIDATION_QUERY = graphql(`
  query BoardValidation($boardId: ID!) {
    board(id: $boardId) {
      id
      validation {
        ...ValidationVerdict
      }
    }
  }
`);

const BOARD_VALIDATION_SUBSCRIPTION = graphql(`
  subscription BoardValidationUpdates($boardId: ID!) {
    boardValidation(boardId: $boardId) {
      ...ValidationVerdict
    }
  }
`);

graphql(`
  fragment ValidationVerdict on ValidationResult {
    valid
    omittedIssueCount
    issues {
      path
      code
      message
      severity
    }
  }
`);

export type ValidationVerdict = BoardValidationUpdatesSubscription["boardValidation"];
export type ValidationIssue = ValidationVerdict["issues"][number];

const boardValidationKey = (boardId: string) => ["board-validation", boardId] as const;

function boardValidationQueryOptions(boardId: string) {
  return queryOptions({
    queryKey: boardValidationKey(boardId),
    queryFn: async ({ signal }): Promise<ValidationVerdict> => {
      const data = await graphqlRequest(BOARD_VALIDATION_QUERY, { boardId }, { signal });
      if (!data.board) throw new Error("The board does not exist, or you are not a member.");
      return data.board.validation;
    },
    // The subscription keeps it current.
    staleTime: Infinity,
  });
}

/** Subscriptions shared by every component watching the same board. */
const live = new Map<string, { watchers: number; stop: () => void }>();

function watch(queryClient: QueryClient, client: LiveClient, boardId: string): () => void {
  let entry = live.get(boardId);
  if (!entry) {
    // Resubscribing after a lost connection pushes the current verdict again at once.
    const stop = subscribeLive(client, BOARD_VALIDATION_SUBSCRIPTION, () => ({ boardId }), {
      onData: (data) => queryClient.setQueryData(boardValidationKey(boardId), data.boardValidation),
    });
    entry = { watchers: 0, stop };
    live.set(boardId, entry);
  }
  entry.watchers += 1;
  const watched = entry;
  return () => {
    watched.watchers -= 1;
    if (watched.watchers > 0) return;
    watched.stop();
    live.delete(boardId);
  };
}

/** The board's current verdict, updated live while any component shows it. */
export function useBoardValidation(boardId: string, client: LiveClient = getLiveClient()) {
  const queryClient = useQueryClient();
  useEffect(() => watch(queryClient, client, boardId), [queryClient, client, boardId]);
  return useQuery(boardValidationQueryOptions(boardId));
}
