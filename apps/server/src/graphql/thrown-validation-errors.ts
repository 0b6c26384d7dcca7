// graphql-js's validation can throw instead of reporting: SingleFieldSubscriptionsRule evaluates
// @skip and @include while collecting a subscription's fields, and throws a GraphQLError when
// their argument is invalid (`subscription { serverTime @skip(if: 1.5) }`). Both transports answer
// such an error as the validation failure it is, not as an internal one.
import type { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import {
  GraphQLError,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";

/** `validate`, with a GraphQLError it throws returned as the one error found. */
export function validateDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: readonly ValidationRule[],
): readonly GraphQLError[] {
  try {
    return validate(schema, document, rules);
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
}

/**
 * The same for Apollo, which answers whatever its pipeline throws with a 500 and an error in the
 * log. An error thrown from this hook replaces that answer (graphql-armor relies on it too).
 */
export function thrownValidationErrorPlugin<T extends object>(): ApolloServerPlugin<T> {
  // Requests whose validation started and did not end: validationDidEnd runs only when
  // `validate` returns.
  const validating = new WeakSet<GraphQLRequestContext<T>>();
  return {
    requestDidStart: () =>
      Promise.resolve({
        validationDidStart: (requestContext) => {
          validating.add(requestContext);
          return Promise.resolve(() => {
            validating.delete(requestContext);
            return Promise.resolve();
          });
        },
      }),
    unexpectedErrorProcessingRequest: ({ requestContext, error }) => {
      if (!validating.has(requestContext) || !(error instanceof GraphQLError)) {
        return Promise.resolve();
      }
      throw new GraphQLError(error.message, {
        nodes: error.nodes,
        extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
      });
    },
  };
}
