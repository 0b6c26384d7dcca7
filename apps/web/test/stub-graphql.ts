import { vi } from "vitest";

/** The JSON body `graphqlRequest` sends. */
export interface GraphQLRequestBody {
  query: string;
  variables?: Record<string, unknown>;
}

/** Reads the GraphQL body out of a recorded `fetch` call's init. */
export function parseRequestBody(init: RequestInit | undefined): GraphQLRequestBody {
  if (typeof init?.body !== "string") throw new Error("expected a JSON string body");
  return JSON.parse(init.body) as GraphQLRequestBody;
}

/**
 * Stubs the global `fetch` (the browser boundary) so every POST /graphql answers with
 * `reply(query)` as its JSON body and the given status. Returns the mock to inspect calls.
 */
export function stubGraphQL(
  reply: (query: string, variables: Record<string, unknown> | undefined) => unknown,
  status = 200,
) {
  const fetchMock = vi.fn((_input: RequestInfo | URL, init?: RequestInit) => {
    const { query, variables } = parseRequestBody(init);
    return Promise.resolve(
      new Response(JSON.stringify(reply(query, variables)), {
        status,
        headers: { "content-type": "application/json" },
      }),
    );
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

/** The `data` of the Projects query for plain project/board lists, in its connection shape. */
export function projectsData(
  projects: {
    id: string;
    name: string;
    boards: { id: string; name: string; schemaId: string }[];
  }[],
) {
  const edges = <T>(nodes: T[]) => ({ edges: nodes.map((node) => ({ node })) });
  return {
    projects: edges(projects.map((project) => ({ ...project, boards: edges(project.boards) }))),
  };
}
