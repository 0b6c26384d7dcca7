import { queryOptions } from "@tanstack/react-query";

import { graphqlRequest } from "../../lib/graphql";

export interface Health {
  status: string;
  version: string;
}

export const HEALTH_QUERY = /* GraphQL */ `
  query Health {
    health {
      status
      version
    }
  }
`;

export const healthKeys = {
  all: ["health"] as const,
};

/** How often the status bar re-checks the API while the tab is visible. */
export const HEALTH_POLL_MS = 15_000;

export function healthQueryOptions() {
  return queryOptions({
    queryKey: healthKeys.all,
    queryFn: ({ signal }) =>
      graphqlRequest<{ health: Health }>(HEALTH_QUERY, undefined, { signal }),
    select: (data) => data.health,
    refetchInterval: HEALTH_POLL_MS,
  });
}
