import { makeExecutableSchema } from "@graphql-tools/schema";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import { boardCatalogue } from "@bbos/schemas";

import { queryCostRule } from "./query-cost-rule.ts";
import { loadTypeDefs } from "./type-defs.ts";

const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });

/** The cost queryCostRule finds for `query`: a limit of 0 makes it report every cost. */
function costOf(query: string): unknown {
  const [error] = validate(schema, parse(query), [queryCostRule(0)]);
  return error?.extensions["details"];
}

describe("query cost", () => {
  it("weighs pages by their size and database fields by their query", () => {
    // projects 10, 100 edges, 100 nodes, 100 × boards 10, 10,000 edges, 10,000 nodes.
    expect(
      costOf(
        "{ projects(first: 100) { edges { node { id boards(first: 100) { edges { node { name } } } } } } }",
      ),
    ).toEqual({ cost: 21_210, maxCost: 0 });
    expect(costOf("{ projects { edges { node { id } } } }")).toEqual({ cost: 110, maxCost: 0 });
    expect(costOf("query ($n: Int) { projects(first: $n) { edges { node { id } } } }")).toEqual({
      cost: 210,
      maxCost: 0,
    });
  });

  it("weighs JSON documents by their size and closed lists by their length", () => {
    // Three schemas, each a JSON Schema of about 14 kB and a uiSchema of 5 kB: 1 + 200 units each.
    const documents = costOf("{ boardConfigSchemas { jsonSchema uiSchema } }") as { cost: number };
    expect(documents.cost).toBeGreaterThan(450);
    expect(documents.cost).toBeLessThan(750);
    expect(costOf("{ boardConfigSchemas { id } }")).toEqual({ cost: 3, maxCost: 0 });
    expect(costOf("{ catalogueBoards { id } }")).toEqual({
      cost: boardCatalogue.boards.length,
      maxCost: 0,
    });
    // Per board: its releases (at most every recipe's) and one overlay list per branch.
    const boards = boardCatalogue.boards.length;
    const releases = Object.values(boardCatalogue.releases).flat().length;
    const branches = Math.max(...boardCatalogue.boards.map((board) => board.branches.length));
    expect(costOf("{ catalogueBoards { releases { name } overlays { names } } }")).toEqual({
      cost: boards + boards * releases + boards * branches,
      maxCost: 0,
    });
  });

  it("weighs a board's config and validation, which read and check its document", () => {
    expect(costOf('{ board(id: "b") { config validation { valid } } }')).toEqual({
      cost: 10 + 200 + 500,
      maxCost: 0,
    });
    expect(
      costOf(
        '{ project(id: "p") { boards(first: 100) { edges { node { config validation { valid } } } } } }',
      ),
    ).toEqual({ cost: 10 + 10 + 100 + 100 + 100 * (200 + 500), maxCost: 0 });
    expect(
      costOf(
        'mutation { importBoard(input: { projectId: "p", name: "n", configJson: "{}" }) { board { id } } }',
      ),
    ).toEqual({ cost: 30 + 5_000 + 1, maxCost: 0 });
  });

  it("multiplies by aliases and counts a fragment once per selection set it is spread in", () => {
    const one = costOf("{ projects { totalCount } }") as { cost: number };
    expect(costOf("{ a: projects { totalCount } b: projects { totalCount } }")).toEqual({
      cost: 2 * one.cost,
      maxCost: 0,
    });
    expect(costOf("{ ...F ...F } fragment F on Query { projects { totalCount } }")).toEqual({
      cost: one.cost,
      maxCost: 0,
    });
  });

  it("ends on fragment cycles, which other rules report", () => {
    const [cost] = validate(
      schema,
      parse(
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A projects { totalCount } }",
      ),
      [queryCostRule(0)],
    );
    expect(cost?.extensions["details"]).toEqual({ cost: 10, maxCost: 0 });
  });
});
