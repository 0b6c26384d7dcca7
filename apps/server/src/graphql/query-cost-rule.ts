import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

import { boardCatalogue, boardConfigSchemas, type BoardConfigSchemaEntry } from "@bbos/schemas";

import type { Resolvers } from "../../generated/graphql.ts";
import { MAX_PAGE_SIZE } from "./connection.ts";

/** A field that runs one PostgreSQL query each time it is resolved. */
const DATABASE_QUERY = 10;
/**
 * Reading a board's config: its stored Yjs document (compacted state and log, up to the collab
 * limit of 16 MiB) from PostgreSQL, decoded. Once per board and request, shared by `config`,
 * `validation` and `exportBoard`, but each field counts it: the estimate errs towards refusing.
 */
const BOARD_CONFIG = 200;
/** Validating a config as large as a config gets (Ajv and the cross-field rules). */
const CONFIG_VALIDATION = 5_000;
/** About one object of a typical response; JSON documents cost their size in these. */
const BYTES_PER_UNIT = 100;
/** The largest of the registry's documents `pick` returns, in cost units. */
const documentCost = (pick: (entry: BoardConfigSchemaEntry) => unknown) =>
  Math.max(
    ...Object.values(boardConfigSchemas).map((entry) =>
      Math.ceil(JSON.stringify(pick(entry)).length / BYTES_PER_UNIT),
    ),
  );

/**
 * What resolving a field once costs, where that is more than the default (1 for a field that
 * returns an object, 0 for a scalar or enum). The keys are checked against the generated resolver
 * types, so a renamed field fails typecheck here.
 */
const FIELD_WEIGHTS: {
  [Type in keyof Resolvers]?: { [Field in keyof NonNullable<Resolvers[Type]>]?: number };
} = {
  Query: {
    projects: DATABASE_QUERY,
    project: DATABASE_QUERY,
    // Up to 1 MB of config through Ajv and the cross-field rules; at most ten per operation.
    validateConfig: CONFIG_VALIDATION,
    board: DATABASE_QUERY,
    exportBoard: DATABASE_QUERY + BOARD_CONFIG,
    // The board's access check and its list of versions.
    versions: 2 * DATABASE_QUERY,
    // Both versions and the board's access check; both configs read and walked, and the changes
    // carry values of both.
    diffVersions: 2 * DATABASE_QUERY + 3 * BOARD_CONFIG,
  },
  // Each checks access (one query) and writes; mutations run one after the other.
  Mutation: {
    createBoard: 3 * DATABASE_QUERY,
    // Up to 1 MB of JSON text validated, as validateConfig.
    importBoard: 3 * DATABASE_QUERY + CONFIG_VALIDATION,
    renameBoard: 2 * DATABASE_QUERY,
    duplicateBoard: 2 * DATABASE_QUERY + BOARD_CONFIG,
    archiveBoard: 2 * DATABASE_QUERY,
    restoreBoard: 2 * DATABASE_QUERY,
    // Reads the board's document and validates it, as Board.validation, then stores a version.
    saveVersion: 3 * DATABASE_QUERY + BOARD_CONFIG + 300,
    // The version, the board, and the board's document to change.
    restoreVersion: 3 * DATABASE_QUERY + BOARD_CONFIG,
  },
  // One query for all of a request's projects (DataLoader), but a page per project to send.
  Project: { boards: DATABASE_QUERY, files: DATABASE_QUERY },
  // So a page of 100 boards may show each one's config (20,000), and a page of 50 each one's
  // config and validation (35,000). Board configs are far smaller than validateConfig's 1 MB.
  Board: { config: BOARD_CONFIG, validation: BOARD_CONFIG + 300 },
  // A saved config is as large as a board's, though a page reads all of them in one query.
  ConfigVersion: { config: BOARD_CONFIG },
  BoardConfigSchema: {
    jsonSchema: documentCost((entry) => entry.schema),
    uiSchema: documentCost((entry) => entry.uiSchema),
  },
};

/**
 * Lengths of the plain lists (closed, small sets; README). A list not named here and not a page
 * of a connection counts as {@link MAX_PAGE_SIZE} items.
 */
const LIST_LENGTHS: Record<string, number> = {
  "Query.boardConfigSchemas": Object.keys(boardConfigSchemas).length,
  "Query.catalogueBoards": boardCatalogue.boards.length,
  // At most every release of every recipe, and one entry per kernel branch of the board.
  "CatalogueBoard.releases": Object.values(boardCatalogue.releases).flat().length,
  "CatalogueBoard.overlays": Math.max(...boardCatalogue.boards.map((b) => b.branches.length)),
};

const weights = new Map<string, number>(
  Object.entries(FIELD_WEIGHTS).flatMap(([type, fields]) =>
    Object.entries(fields ?? {}).map(([field, weight]) => [`${type}.${field}`, weight] as const),
  ),
);

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/**
 * The page size a connection field (one with `first`) asks for: its literal (within what
 * `toConnection` accepts), the argument's default when absent, and the largest page for a
 * variable, because validation runs before variables are known (Apollo caches validated
 * documents).
 */
function pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined {
  const argument = field.args.find((arg) => arg.name === "first");
  if (!argument) return undefined;
  const given = node.arguments?.find((arg) => arg.name.value === "first")?.value;
  if (!given) return typeof argument.defaultValue === "number" ? argument.defaultValue : 0;
  if (given.kind !== Kind.INT) return MAX_PAGE_SIZE;
  return Math.min(Math.max(Number(given.value), 0), MAX_PAGE_SIZE);
}

/**
 * Rejects an operation whose cost is over `maxCost` before anything runs. A field costs its weight
 * ({@link FIELD_WEIGHTS}) once per time it would be resolved, that is times the lengths of the
 * lists and pages above it; the operation costs the sum. So `projects(first: 100) { edges { node {
 * boards(first: 100) { edges { node { name } } } } } }`, the web app's largest query, costs
 * 10 + 100 + 100 + 1,000 + 10,000 + 10,000 = 21,210, and ten thousand aliases of one field cost ten
 * thousand times the field.
 *
 * Fields count as written: one repeated under the same response key, which GraphQL resolves
 * once, counts each time (a fragment spread twice in one selection set counts once), so the
 * estimate errs towards refusing. Introspection fields cost nothing here: they exist only while
 * introspection is on, and the depth, alias and token limits bound them. Each fragment is costed
 * once per page size it is spread under, so nested spreads cannot make the computation itself
 * expensive.
 */
export function queryCostRule(maxCost: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    // Cost of a fragment at multiplier 1, by name and page size; null while being costed (a
    // cycle, which NoFragmentCyclesRule reports).
    const fragmentCosts = new Map<string, number | null>();

    function selectionCost(
      selectionSet: SelectionSetNode,
      parent: GraphQLNamedType | undefined,
      multiplier: number,
      page: number | undefined,
    ): number {
      let cost = 0;
      const spread = new Set<string>();
      for (const selection of selectionSet.selections) {
        switch (selection.kind) {
          case Kind.FIELD: {
            if (!(isObjectType(parent) || isInterfaceType(parent))) break;
            const field = parent.getFields()[selection.name.value];
            // Unknown fields and introspection (__schema, __type, __typename) cost nothing.
            if (!field) break;
            const key = `${parent.name}.${field.name}`;
            const resolved =
              multiplier * (isList(field.type) ? (page ?? LIST_LENGTHS[key] ?? MAX_PAGE_SIZE) : 1);
            const type = getNamedType(field.type);
            const weight = weights.get(key) ?? (selection.selectionSet ? 1 : 0);
            cost += resolved * weight;
            if (selection.selectionSet) {
              cost += selectionCost(
                selection.selectionSet,
                type,
                resolved,
                pageSize(field, selection),
              );
            }
            break;
          }
          case Kind.INLINE_FRAGMENT: {
            const type = selection.typeCondition
              ? schema.getType(selection.typeCondition.name.value)
              : parent;
            cost += selectionCost(selection.selectionSet, type, multiplier, page);
            break;
          }
          case Kind.FRAGMENT_SPREAD: {
            const name = selection.name.value;
            if (spread.has(name)) break;
            spread.add(name);
            const key = `${name}:${page ?? ""}`;
            let unit = fragmentCosts.get(key);
            if (unit === undefined) {
              const fragment = context.getFragment(name);
              fragmentCosts.set(key, null);
              unit = fragment
                ? selectionCost(
                    fragment.selectionSet,
                    schema.getType(fragment.typeCondition.name.value),
                    1,
                    page,
                  )
                : 0;
              fragmentCosts.set(key, unit);
            }
            cost += multiplier * (unit ?? 0);
            break;
          }
        }
      }
      return cost;
    }

    return {
      OperationDefinition(operation) {
        const root = schema.getRootType(operation.operation) ?? undefined;
        const cost = selectionCost(operation.selectionSet, root, 1, undefined);
        if (cost <= maxCost) return;
        context.reportError(
          new GraphQLError(
            `Operation cost ${cost} is over the limit of ${maxCost}: ask for smaller pages ` +
              "(first), fewer aliases, or fewer fields that read the database or return documents.",
            { nodes: operation, extensions: { details: { cost, maxCost } } },
          ),
        );
      },
    };
  };
}
