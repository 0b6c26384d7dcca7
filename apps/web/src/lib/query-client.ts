import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";

import { GraphQLRequestError } from "./graphql";
import { useToastStore } from "./toast-store";

export function createQueryClient(): QueryClient {
  // A 401 means the session ended (signed out elsewhere, expired): asking who is signed in
  // again brings up the sign-in page instead of a workspace full of errors.
  const onError = (error: Error) => {
    if (error instanceof GraphQLRequestError && error.code === "UNAUTHENTICATED") {
      void client.invalidateQueries({ queryKey: ["session"] });
    }
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({
      // Every failed action says why, in the server's words, unless its form shows the error.
      onError: (error, _variables, _context, mutation) => {
        onError(error);
        if (mutation.meta?.["toast"] !== false)
          useToastStore.getState().show("error", error.message);
      },
    }),
    defaultOptions: {
      // Board content is co-edited through Yjs, not refetched; queries here are lists and status.
      queries: { staleTime: 30_000, retry: 1 },
    },
  });
  return client;
}
