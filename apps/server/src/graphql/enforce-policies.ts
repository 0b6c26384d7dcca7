// Puts every GraphQL root field behind the sign-in check its policy (auth/policies.ts) asks for,
// and an API token's calls behind the scope the operation needs.
import { mapSchema, MapperKind } from "@graphql-tools/utils";
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema } from "graphql";

import { DomainError } from "@bbos/core";

import { scopeAllows } from "../auth/api-tokens.ts";
import {
  policyOf,
  scopeFor,
  type OperationPolicy,
  type operationPolicies,
} from "../auth/policies.ts";
import type { GraphQLContext } from "./context.ts";

/** Sign-in, and for an API token the scope the operation needs. */
function requireAccess(context: GraphQLContext, policy: OperationPolicy, writes: boolean): void {
  const { viewer } = context;
  if (!viewer) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
  if (viewer.tokenScopes === undefined) return;
  const needed = scopeFor(policy, writes);
  if (!scopeAllows(viewer.tokenScopes, needed)) {
    throw new DomainError(
      "FORBIDDEN",
      `This API token's scopes (${viewer.tokenScopes.join(", ")}) do not allow this operation; it needs ${needed}.`,
      { details: { scopes: viewer.tokenScopes, needed } },
    );
  }
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
            requireAccess(context, policy, false);
            return subscribe(source, args, context, info);
          },
        };
      }
      const resolve = config.resolve ?? defaultFieldResolver;
      return {
        ...config,
        resolve: (source, args, context, info) => {
          requireAccess(context, policy, root === "Mutation");
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
    throw new Error(`operations without a policy in auth/policies.ts: ${unlisted.join(", ")}`);
  }
  return guarded;
}
