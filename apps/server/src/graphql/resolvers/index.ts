import type { BoardRow, MemberProjectRow } from "@bbos/db";

import { JSONResolver } from "graphql-scalars";

import type { GraphQLContext } from "../context.ts";
import { catalogueQueries } from "./catalogue.ts";
import { serverTime } from "./server-time.ts";

export const resolvers = {
  JSON: JSONResolver,
  Severity: { ERROR: "error", WARNING: "warning" },
  Query: {
    ...catalogueQueries,
    validateConfig: (
      _: unknown,
      { schemaId, config }: { schemaId: string; config: unknown },
      { services }: GraphQLContext,
    ) => services.validation.validate(schemaId, config),
    health: (_: unknown, __: unknown, { version }: GraphQLContext) => ({ status: "ok", version }),
    me: (_: unknown, __: unknown, { viewer }: GraphQLContext) => viewer,
    projects: (_: unknown, __: unknown, { viewer, services }: GraphQLContext) =>
      services.projects.list(viewer),
    project: (_: unknown, { id }: { id: string }, { viewer, services }: GraphQLContext) =>
      services.projects.get(viewer, id),
  },
  Subscription: { serverTime },
  Project: {
    boards: (project: MemberProjectRow, _: unknown, { services }: GraphQLContext) =>
      services.projects.boardsOf(project.id),
  },
  Board: {
    updatedAt: (board: BoardRow) => board.updatedAt.toISOString(),
  },
};
