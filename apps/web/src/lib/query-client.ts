import { QueryClient } from "@tanstack/react-query";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Board content is co-edited through Yjs, not refetched; queries here are lists and status.
      queries: { staleTime: 30_000, retry: 1 },
    },
  });
}
