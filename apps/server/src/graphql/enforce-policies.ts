// Puts every GraphQL root field behind the sign-in check its policy (auth/policies.ts) asks for.
import { mapSchema, MapperKind } from "@graphql-tools/utils";
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema } from "graphql";

import { DomainError } from "@bbos/core";

import { policyOf, type operationPolicies } from "../auth/policies.ts";
import type { GraphQLContext } from "./context.ts";

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
    throw new Error(`operations without a policy in auth/policies.ts: ${unlisted.join(", ")}`);
  }
  return guarded;
}
