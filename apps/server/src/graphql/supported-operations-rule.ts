import { GraphQLError, OperationTypeNode, type ASTVisitor, type ValidationContext } from "graphql";

/**
 * A validation rule: an operation whose root type the schema lacks (a mutation while the API has
 * none) fails validation with a clear message, so the client gets a 400 rather than an execution
 * error reported as INTERNAL_SERVER_ERROR. graphql-js 16 only notices this when executing.
 */
export function SupportedOperationsRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (context.getSchema().getRootType(node.operation)) return;
      context.reportError(
        new GraphQLError(`This API has no ${node.operation} operations.`, { nodes: node }),
      );
    },
  };
}

/**
 * For HTTP only: a subscription fails validation with a pointer to the WebSocket endpoint. Apollo
 * would execute it as a query, find no resolver for the event field and report a non-null
 * violation as INTERNAL_SERVER_ERROR.
 */
export function SubscriptionsOverWebSocketRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation !== OperationTypeNode.SUBSCRIPTION) return;
      context.reportError(
        new GraphQLError(
          "Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql, not over HTTP.",
          { nodes: node },
        ),
      );
    },
  };
}
