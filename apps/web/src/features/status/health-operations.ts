import { queryOptions } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import { graphqlRequest } from "../../lib/graphql";

const HEALTH_QUERY = graphql(`
  query Health {
    health {
      status
      version
    }
  }
`);

const healthKeys = {
  all: ["health"] as const,
};

/** How often the status bar re-checks the API while the tab is visible. */
const HEALTH_POLL_MS = 15_000;

export function healthQueryOptions() {
  return queryOptions({
    queryKey: healthKeys.all,
    queryFn: ({ signal }) => graphqlRequest(HEALTH_QUERY, undefined, { signal }),
    select: (data) => data.health,
    refetchInterval: HEALTH_POLL_MS,
  });
}
