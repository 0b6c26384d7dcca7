import { GraphQLError, OperationTypeNode, type ASTVisitor, type ValidationContext } from "graphql";

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
