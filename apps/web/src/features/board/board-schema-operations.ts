import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { queryOptions } from "@tanstack/react-query";

import { graphqlRequest } from "../../lib/graphql";

export interface BoardConfigSchema {
  id: string;
  jsonSchema: RJSFSchema;
  uiSchema: UiSchema;
}

export const BOARD_SCHEMA_QUERY = /* GraphQL */ `
  query BoardSchema($id: ID!) {
    schema(id: $id) {
      id
      jsonSchema
      uiSchema
    }
  }
`;

export const boardSchemaKeys = {
  all: ["board-schema"] as const,
  byId: (id: string) => [...boardSchemaKeys.all, id] as const,
};

/** A schema version never changes once published, so it is fetched once per session. */
export function boardSchemaQueryOptions(id: string) {
  return queryOptions({
    queryKey: boardSchemaKeys.byId(id),
    queryFn: async ({ signal }) => {
      const data = await graphqlRequest<{ schema: BoardConfigSchema | null }, { id: string }>(
        BOARD_SCHEMA_QUERY,
        { id },
        { signal },
      );
      if (!data.schema) throw new Error(`The server does not know schema ${id}.`);
      return data.schema;
    },
    staleTime: Infinity,
  });
}
