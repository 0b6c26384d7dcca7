import { queryOptions } from "@tanstack/react-query";

import { graphqlRequest } from "../../lib/graphql";

export interface BoardSummary {
  id: string;
  name: string;
  schemaId: string;
}

export interface ProjectSummary {
  id: string;
  name: string;
  boards: BoardSummary[];
}

export interface ProjectsQueryData {
  projects: ProjectSummary[];
}

export const PROJECTS_QUERY = /* GraphQL */ `
  query Projects {
    projects {
      id
      name
      boards {
        id
        name
        schemaId
      }
    }
  }
`;

/** Query keys for this feature; invalidate `projectsKeys.all` after any project mutation. */
export const projectsKeys = {
  all: ["projects"] as const,
  list: () => [...projectsKeys.all, "list"] as const,
};

export function projectsQueryOptions() {
  return queryOptions({
    queryKey: projectsKeys.list(),
    queryFn: ({ signal }) =>
      graphqlRequest<ProjectsQueryData>(PROJECTS_QUERY, undefined, { signal }),
    select: (data) => data.projects,
  });
}
