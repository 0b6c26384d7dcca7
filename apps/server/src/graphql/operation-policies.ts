// Who may call each GraphQL operation: the one table every root field is listed in. The type
// makes a root field without a policy a compile error, and `enforceOperationPolicies` refuses
// to build a schema with one, so a new operation cannot ship unguarded.
//
//   "anyone"      anonymous callers included (public facts: health, catalogue, schemas, key)
//   "signed-in"   any signed-in user
//   an action     a member of the project the arguments name whose role allows the action
//                 (`can` in @bbos/core); the service resolving the project checks the role, a
//                 non-member gets NOT_FOUND (or null), as if the target did not exist
//
// Sign-in is checked here, before any resolver runs; the project-level check is the services'
// (they find the project), and the authorization matrix test holds both to this table.
import { mapSchema, MapperKind } from "@graphql-tools/utils";
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema } from "graphql";

import { DomainError, type ProjectAction } from "@bbos/core";

import type {
  MutationResolvers,
  QueryResolvers,
  SubscriptionResolvers,
} from "../../generated/graphql.ts";
import type { GraphQLContext } from "./context.ts";

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
    archiveBoard: "board.archive",
    restoreBoard: "board.archive",
    saveVersion: "version.save",
    restoreVersion: "version.save",
    startBuild: "build.run",
    cancelBuild: "build.run",
    retryBuild: "build.run",
    deleteBuildArtifacts: "build.run",
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

function requireSignIn(context: GraphQLContext): void {
  if (!context.viewer) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
}

/**
 * The schema with every root field behind its policy's sign-in check (for subscriptions, at
 * subscribe time). Throws, naming them, when root fields have no policy.
 */
export function enforceOperationPolicies(schema: GraphQLSchema): GraphQLSchema {
  const unlisted: string[] = [];
  const guard =
    (root: keyof typeof operationPolicies) =>
    (
      config: GraphQLFieldConfig<unknown, GraphQLContext>,
      field: string,
    ): GraphQLFieldConfig<unknown, GraphQLContext> => {
      const policy = policyOf(root, field);
      if (policy === undefined) unlisted.push(`${root}.${field}`);
      if (policy === undefined || policy === "anyone") return config;
      if (root === "Subscription") {
        const subscribe = config.subscribe ?? defaultFieldResolver;
        return {
          ...config,
          subscribe: (source, args, context, info) => {
            requireSignIn(context);
            return subscribe(source, args, context, info);
          },
        };
      }
      const resolve = config.resolve ?? defaultFieldResolver;
      return {
        ...config,
        resolve: (source, args, context, info) => {
          requireSignIn(context);
          return resolve(source, args, context, info);
        },
      };
    };
  const guarded = mapSchema(schema, {
    [MapperKind.QUERY_ROOT_FIELD]: guard("Query"),
    [MapperKind.MUTATION_ROOT_FIELD]: guard("Mutation"),
    [MapperKind.SUBSCRIPTION_ROOT_FIELD]: guard("Subscription"),
  });
  if (unlisted.length > 0) {
    throw new Error(`operations without a policy in operation-policies.ts: ${unlisted.join(", ")}`);
  }
  return guarded;
}
