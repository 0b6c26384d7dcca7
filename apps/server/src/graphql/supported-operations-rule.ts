import { GraphQLError, type ASTVisitor, type ValidationContext } from "graphql";

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
