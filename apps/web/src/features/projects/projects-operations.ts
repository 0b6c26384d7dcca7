import { queryOptions } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import type { ProjectsQuery } from "../../../generated/graphql/graphql";
import { graphqlRequest } from "../../lib/graphql";

const PROJECTS_QUERY = graphql(`
  query Projects {
    projects(first: 100) {
      edges {
        node {
          id
          name
          boards(first: 100) {
            edges {
              node {
                id
                name
                schemaId
              }
            }
          }
        }
      }
    }
  }
`);

/** A project with its boards, as the Explorer shows them. */
export type ProjectSummary = ReturnType<typeof toProjectSummaries>[number];

function toProjectSummaries(data: ProjectsQuery) {
  return data.projects.edges.map(({ node }) => ({
    id: node.id,
    name: node.name,
    boards: node.boards.edges.map((edge) => edge.node),
  }));
}

/** Query keys for this feature; invalidate `projectsKeys.all` after any project mutation. */
const projectsKeys = {
  all: ["projects"] as const,
  list: () => [...projectsKeys.all, "list"] as const,
};

export function projectsQueryOptions() {
  return queryOptions({
    queryKey: projectsKeys.list(),
    queryFn: ({ signal }) => graphqlRequest(PROJECTS_QUERY, undefined, { signal }),
    select: toProjectSummaries,
  });
}
