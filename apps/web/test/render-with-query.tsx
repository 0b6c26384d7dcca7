import { QueryClient, QueryClientProvider, type QueryKey } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";

export interface RenderWithQueryOptions {
  /** Query data the client holds from the start, so those queries never fetch. */
  seed?: readonly (readonly [QueryKey, unknown])[];
}

/** The hardware catalogue as an empty answer, for forms whose widgets ask for it. */
export const EMPTY_CATALOGUE = [["catalogue"], { catalogueBoards: [] }] as const;

/**
 * Renders `ui` inside a fresh QueryClient that never retries, so error states show at once.
 * `rerender` keeps the client.
 */
export function renderWithQuery(
  ui: ReactElement,
  { seed = [] }: RenderWithQueryOptions = {},
): RenderResult & { queryClient: QueryClient } {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity } },
  });
  for (const [key, data] of seed) queryClient.setQueryData(key, data);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  const result = render(ui, { wrapper });
  return { ...result, queryClient };
}
