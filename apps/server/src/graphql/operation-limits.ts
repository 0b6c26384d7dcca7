import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  GraphQLError,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

import { queryCostRule } from "./query-cost-rule.ts";

/**
 * Bounds on one operation, the same over HTTP and WebSocket, checked before anything runs. For
 * scale: the web app's largest operation (`Projects`) has 40 tokens, depth 7, no alias and cost
 * 21,210; the full introspection query has 190 tokens.
 */
const OPERATION_LIMITS = {
  /**
   * Lexical tokens per document, counted by the parser as it goes, so a 4,400-fragment chain or a
   * 10,000-deep selection stops there instead of overflowing the stack in parsing or validation.
   * Also the bound on graphql-js's overlapping-fields check, quadratic in repeated fields: at 1,000
   * tokens the worst document we found (one field repeated) validates in 10 to 25 ms, at 2,000 in
   * about 90 ms.
   */
  maxTokens: 1_000,
  /** Nested selections; fragment spreads add no level, their contents do. */
  maxDepth: 10,
  /** Aliased fields: each alias resolves its field again. */
  maxAliases: 15,
  /** Directives in the operation and the fragments it spreads. */
  maxDirectives: 20,
  /** See queryCostRule. */
  maxCost: 50_000,
};

export const parseOptions: ParseOptions = { maxTokens: OPERATION_LIMITS.maxTokens };

/**
 * graphql-armor's limits report through this rather than armor's own reporter, which keeps the
 * "Syntax Error: " armor puts before messages that are about validation, not syntax.
 */
function report(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, "")));
}

/**
 * The validation rules enforcing {@link OPERATION_LIMITS} (all but tokens, which `parseOptions`
 * enforces): depth, aliases and directives from graphql-armor, cost from queryCostRule.
 */
export function operationLimitRules(): ValidationRule[] {
  const rejection = { propagateOnRejection: false, onReject: [report] };
  const { validationRules } = new ApolloArmor({
    // Armor's cost model weighs every field alike; queryCostRule weighs what a field does.
    costLimit: { enabled: false },
    // graphql-js counts tokens while parsing; armor's plugin would parse every document twice.
    maxTokens: { enabled: false },
    // format-error.ts removes suggestions from every message, on both transports.
    blockFieldSuggestion: { enabled: false },
    maxDepth: { n: OPERATION_LIMITS.maxDepth, flattenFragments: true, ...rejection },
    maxAliases: { n: OPERATION_LIMITS.maxAliases, ...rejection },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives, ...rejection },
  }).protect();
  return [...validationRules, queryCostRule(OPERATION_LIMITS.maxCost)];
}
