import {
  boardCatalogue,
  boardConfigSchemas,
  latestBoardConfigSchemaId,
  type BoardConfigSchemaId,
} from "@bbos/schemas";

type SchemaEntry = (typeof boardConfigSchemas)[BoardConfigSchemaId];

function toGraphQL(entry: SchemaEntry) {
  return {
    id: entry.id,
    version: entry.version,
    latest: entry.id === latestBoardConfigSchemaId,
    jsonSchema: entry.schema,
    uiSchema: entry.uiSchema,
  };
}

const schemaList = Object.values(boardConfigSchemas).sort((a, b) => a.version - b.version);

/** The schema registry and the board catalogue, read from @bbos/schemas. */
export const catalogueQueries = {
  schemas: () => schemaList.map(toGraphQL),
  schema: (_: unknown, { id }: { id: string }) => {
    const entry = schemaList.find((candidate) => candidate.id === id);
    return entry ? toGraphQL(entry) : null;
  },
  boards: (_: unknown, { architecture }: { architecture?: string | null }) =>
    architecture
      ? boardCatalogue.boards.filter((board) => board.architecture === architecture)
      : boardCatalogue.boards,
};
