import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

import {
  boardConfigSchemas,
  isBoardConfigSchemaId,
  latestBoardConfigSchemaId,
  type BoardConfigSchemaEntry,
  type BoardConfigSchemaId,
} from "@bbos/schemas";

import type { BoardConfigSchemaResolvers, QueryResolvers } from "../../../generated/graphql.ts";
import type { ResolversFor } from "../resolvers-for.ts";

const schemaList = Object.values(boardConfigSchemas).sort((a, b) => a.version - b.version);
const knownIds = schemaList.map((entry) => entry.id).join(", ");

/** Longest part of a rejected value repeated in an error message. */
const ECHO_LIMIT = 64;

function toSchemaId(value: unknown): BoardConfigSchemaId {
  if (typeof value === "string" && isBoardConfigSchemaId(value)) return value;
  const shown =
    typeof value === "string"
      ? JSON.stringify(value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value)
      : "a non-string value";
  throw new GraphQLError(`Unknown board-config schema ${shown}; known schemas: ${knownIds}.`);
}

/** `BoardConfigSchemaId`: only registered ids pass, so resolvers never see an unknown one. */
export const BoardConfigSchemaIdScalar = new GraphQLScalarType<BoardConfigSchemaId, string>({
  name: "BoardConfigSchemaId",
  serialize: (value) => toSchemaId(value),
  parseValue: (value) => toSchemaId(value),
  parseLiteral: (ast) => toSchemaId(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const boardConfigQueries = {
  boardConfigSchemas: () => schemaList,
  boardConfigSchema: (_, { id }) => boardConfigSchemas[id],
  validateConfig: (_, { schemaId, config }, { services }) =>
    services.validation.validate(schemaId, config),
} satisfies QueryResolvers;

export const BoardConfigSchema = {
  latest: (entry) => entry.id === latestBoardConfigSchemaId,
  jsonSchema: (entry) => entry.schema,
} satisfies ResolversFor<BoardConfigSchemaResolvers, BoardConfigSchemaEntry>;
