import { DateTimeResolver, JSONResolver } from "graphql-scalars";

import type {
  MutationResolvers,
  QueryResolvers,
  Resolvers,
  SubscriptionResolvers,
} from "../../../generated/graphql.ts";
import { AuditEvent, auditQueries } from "./audit.ts";
import { Board, boardMutations, boardQueries, boardSubscriptions } from "./boards.ts";
import {
  Artifact,
  Build,
  buildMutations,
  buildQueries,
  BuildLogLine,
  buildSubscriptions,
} from "./builds.ts";
import {
  BoardConfigSchema,
  BoardConfigSchemaIdScalar,
  boardConfigQueries,
} from "./board-config.ts";
import { CatalogueBoard, catalogueEnums, catalogueQueries } from "./catalogue.ts";
import { FileVersion, projectFileMutations } from "./project-files.ts";
import { Membership, Project, projectMutations, projectQueries } from "./projects.ts";
import { serverTime } from "./server-time.ts";
import { shareLinkMutations, shareLinkQueries } from "./share-links.ts";
import { tokenMutations, tokenQueries } from "./tokens.ts";
import {
  ChangeKind,
  ConfigChange,
  ConfigVersion,
  versionMutations,
  versionQueries,
} from "./versions.ts";

/** Every resolver, one domain per file; `Required` makes a root field without one a type error. */
export const resolvers = {
  JSON: JSONResolver,
  DateTime: DateTimeResolver,
  BoardConfigSchemaId: BoardConfigSchemaIdScalar,
  HealthStatus: { OK: "ok" },
  Severity: { ERROR: "error", WARNING: "warning" },
  ...catalogueEnums,
  ChangeKind,
  Query: {
    health: (_, __, { version }) => ({ status: "ok", version }),
    ...projectQueries,
    ...boardConfigQueries,
    ...catalogueQueries,
    ...boardQueries,
    ...versionQueries,
    ...buildQueries,
    ...tokenQueries,
    ...auditQueries,
    ...shareLinkQueries,
  } satisfies Required<QueryResolvers>,
  Mutation: {
    ...projectMutations,
    ...boardMutations,
    ...versionMutations,
    ...buildMutations,
    ...tokenMutations,
    ...shareLinkMutations,
    ...projectFileMutations,
  } satisfies Required<MutationResolvers>,
  Subscription: {
    serverTime,
    ...boardSubscriptions,
    ...buildSubscriptions,
  } satisfies Required<SubscriptionResolvers>,
  Project,
  Membership,
  FileVersion,
  AuditEvent,
  Board,
  BoardConfigSchema,
  CatalogueBoard,
  ConfigVersion,
  ConfigChange,
  Build,
  Artifact,
  BuildLogLine,
  BuildLogStream: { OUT: "out", ERR: "err", SYSTEM: "sys" },
} satisfies Resolvers;
