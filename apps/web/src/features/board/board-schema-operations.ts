import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { queryOptions } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import { graphqlRequest } from "../../lib/graphql";

export interface BoardConfigSchema {
  id: string;
  jsonSchema: RJSFSchema;
  uiSchema: UiSchema;
}

const BOARD_SCHEMA_QUERY = graphql(`
  query BoardSchema($id: BoardConfigSchemaId!) {
    boardConfigSchema(id: $id) {
      id
      jsonSchema
      uiSchema
    }
  }
`);

const boardSchemaKeys = {
  all: ["board-schema"] as const,
  byId: (id: string) => [...boardSchemaKeys.all, id] as const,
};

/** A schema version never changes once published, so it is fetched once per session. */
export function boardSchemaQueryOptions(id: string) {
  return queryOptions({
    queryKey: boardSchemaKeys.byId(id),
    queryFn: async ({ signal }): Promise<BoardConfigSchema> => {
      const data = await graphqlRequest(BOARD_SCHEMA_QUERY, { id }, { signal });
      const schema = data.boardConfigSchema;
      if (!schema) throw new Error(`The server does not know schema ${id}.`);
      // JSON scalars: the server sends the registry's JSON Schema and uiSchema documents.
      return {
        id: schema.id,
        jsonSchema: schema.jsonSchema as RJSFSchema,
        uiSchema: schema.uiSchema as UiSchema,
      };
    },
    staleTime: Infinity,
  });
}
