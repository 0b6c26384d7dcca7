// Who may do what, for every way into the API: each GraphQL root field, and the collab socket
// and downloads. The type makes a root field without a policy a compile error, and
// `enforceOperationPolicies` (graphql/enforce-policies.ts) refuses to build a schema with one,
// so a new operation cannot ship unguarded.
//
//   "anyone"      anonymous callers included (public facts: health, catalogue, schemas, key)
//   "signed-in"   any signed-in user
//   an action     a member of the project the arguments name whose role allows the action
//                 (`can` in @bbos/core); the service resolving the project checks the role, a
//                 non-member gets NOT_FOUND (or null), as if the target did not exist
//
// Sign-in is checked before any resolver runs; the project-level check is made where the
// project is found (services, the collab upgrade, the download routes) with `can` and the
// action named here. The authorization matrix test holds them all to these tables.
import type { ProjectAction } from "@bbos/core";

import type { ApiTokenScope } from "./api-tokens.ts";

import type {
  MutationResolvers,
  QueryResolvers,
  SubscriptionResolvers,
} from "../../generated/graphql.ts";

export type OperationPolicy = "anyone" | "signed-in" | ProjectAction;

type PolicyTable<R> = Record<keyof Required<R>, OperationPolicy>;

export const operationPolicies: {
  Query: PolicyTable<QueryResolvers>;
  Mutation: PolicyTable<MutationResolvers>;
  Subscription: PolicyTable<SubscriptionResolvers>;
} = {
  Query: {
    health: "anyone",
    me: "anyone",
    catalogueBoards: "anyone",
    boardConfigSchemas: "anyone",
    boardConfigSchema: "anyone",
    recipes: "anyone",
    signingKey: "anyone",
    validateConfig: "signed-in",
    projects: "signed-in",
    project: "project.read",
    board: "project.read",
    exportBoard: "project.read",
    versions: "project.read",
    diffVersions: "project.read",
    build: "project.read",
    builds: "project.read",
    apiTokens: "signed-in",
    auditEvents: "audit.read",
    shareLinks: "artifact.share",
  },
  Mutation: {
    createProject: "signed-in",
    renameProject: "project.rename",
    archiveProject: "project.archive",
    restoreProject: "project.archive",
    inviteMember: "member.manage",
    changeMemberRole: "member.manage",
    removeMember: "member.manage",
    createBoard: "board.edit",
    importBoard: "board.edit",
    renameBoard: "board.edit",
    duplicateBoard: "board.edit",
    upgradeBoardSchema: "board.edit",
    setSecret: "board.edit",
    archiveBoard: "board.archive",
    restoreBoard: "board.archive",
    saveVersion: "version.save",
    restoreVersion: "version.save",
    startBuild: "build.run",
    cancelBuild: "build.run",
    retryBuild: "build.run",
    deleteBuildArtifacts: "build.run",
    createApiToken: "signed-in",
    revokeApiToken: "signed-in",
    createShareLink: "artifact.share",
    revokeShareLink: "artifact.share",
    deleteProjectFile: "board.edit",
  },
  Subscription: {
    serverTime: "anyone",
    boardValidation: "project.read",
    buildLog: "project.read",
    buildUpdated: "project.read",
    buildsUpdated: "project.read",
  },
};

/** The policy of a root field, or undefined for one the table does not list. */
export function policyOf(root: string, field: string): OperationPolicy | undefined {
  if (!Object.hasOwn(operationPolicies, root)) return undefined;
  const table: Record<string, OperationPolicy> =
    operationPolicies[root as keyof typeof operationPolicies];
  return Object.hasOwn(table, field) ? table[field] : undefined;
}

/**
 * What the transports outside GraphQL require of a member. (`GET /share/<token>` requires no
 * one: the link is the permission, given by a member with `artifact.share`.)
 */
export const transportPolicies = {
  /** Open a board's collab socket (read-only below `collabWrite`). */
  collabRead: "project.read",
  /** Send edits over the collab socket. */
  collabWrite: "board.edit",
  /** Download an artifact or a build's log archive. */
  download: "project.read",
  /** Upload a project file (`PUT /projects/<id>/files`). */
  fileUpload: "board.edit",
  /** Download a version of a project file. */
  fileDownload: "project.read",
} as const satisfies Record<string, ProjectAction>;

/**
 * The API token scope a call needs: READ for reading (queries, subscriptions, downloads, a
 * read-only collab socket), BUILD for starting, canceling and retrying builds, ADMIN for every
 * other change.
 */
export function scopeFor(policy: OperationPolicy, writes: boolean): ApiTokenScope {
  if (!writes) return "READ";
  return policy === "build.run" ? "BUILD" : "ADMIN";
}
