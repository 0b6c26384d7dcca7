// Amplification: one small request that would make the server run thousands of queries or build
// a response of tens of megabytes. The alias, depth and cost limits refuse it before anything
// runs; the response size limit catches what the cost model cannot see (long strings).
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBoard, createProject } from "@bbos/db";

import type { TestServer } from "../start-test-server.ts";
import { capturedLog, codesOf, post, startUnthrottledServer } from "./adversarial-helpers.ts";

const aliases = (count: number, field: string) =>
  `{${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(" ")}}`;

/** The web app's largest operation (apps/web/src/features/projects/projects-operations.ts). */
const PROJECTS_QUERY = `
  query Projects {
    projects(first: 100) {
      edges { node { id name boards(first: 100) { edges { node { id name schemaId } } } } }
    }
  }
`;

describe("GraphQL amplification limits", () => {
  const captured = capturedLog();
  let server: TestServer;

  beforeAll(async () => {
    server = await startUnthrottledServer(captured);
    const project = await createProject(server.db, {
      slug: "amplified",
      name: "Amplified",
      ownerId: server.viewer.id,
    });
    await createBoard(server.db, { projectId: project.id, name: "b", schemaId: "board-config/2" });
  });
  afterAll(() => server?.close());

  it("refuses 10,000 aliases of projects before running any, and other clients stay fast", async () => {
    const query = aliases(10_000, "projects { edges { node { id } } }");
    const attack = post(server.url, { query });
    const others: number[] = [];
    for (let i = 0; i < 5; i++)
      others.push((await post(server.url, { query: "{ health { status } }" })).ms);
    const answer = await attack;
    console.log(
      `10,000 aliases of projects (${Math.round(query.length / 1024)} KiB): ${answer.status} in ` +
        `${answer.ms.toFixed(0)} ms, ${answer.text.length} bytes; health meanwhile ` +
        `${others.map((ms) => ms.toFixed(0)).join(", ")} ms`,
    );
    expect(answer.status).toBe(400);
    // Refused before execution: no `data` at all, so no resolver (and no query) ran.
    expect(answer.data).toBeUndefined();
    expect(codesOf(answer.errors)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    expect(answer.ms).toBeLessThan(1_000);
    expect(Math.max(...others)).toBeLessThan(500);
  });

  it("refuses 16 aliases of projects by the alias limit, with a message saying so", async () => {
    const answer = await post(server.url, { query: aliases(16, "projects { totalCount }") });
    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: "Aliases limit of 15 exceeded, found 16.",
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    ]);
  });

  it("refuses a batch of operations, which would multiply every limit", async () => {
    const batch = Array.from({ length: 100 }, () => ({ query: "{ projects { totalCount } }" }));
    const answer = await post(server.url, batch);
    expect(answer.status).toBe(400);
    expect(codesOf(answer.errors)).toEqual(["BAD_REQUEST"]);
  });

  it("refuses more than 20 directives", async () => {
    const guarded = " ... @include(if: true) { health { status } }".repeat(21);
    const answer = await post(server.url, { query: `{${guarded} }` });
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({ message: "Directives limit of 20 exceeded, found 21." }),
    ]);
  });

  it("answers 1,000 aliases of the schema documents in a few hundred bytes, without growing", async () => {
    const query = aliases(1_000, "boardConfigSchemas { jsonSchema uiSchema }");
    const rssBefore = process.memoryUsage().rss;
    const answer = await post(server.url, { query });
    const grownMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    console.log(
      `1,000 aliases of boardConfigSchemas (${Math.round(query.length / 1024)} KiB): ` +
        `${answer.status}, ${answer.text.length} bytes in ${answer.ms.toFixed(0)} ms, ` +
        `RSS ${grownMiB >= 0 ? "+" : ""}${grownMiB.toFixed(0)} MiB`,
    );
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(1_024);
    expect(grownMiB).toBeLessThan(50);
  });

  it("refuses pages multiplied through aliases by cost, naming the cost and the limit", async () => {
    const boards = Array.from(
      { length: 15 },
      (_, i) => `b${i}: boards(first: 100) { edges { node { name } } }`,
    ).join(" ");
    const answer = await post(server.url, {
      query: `{ projects(first: 100) { edges { node { ${boards} } } } }`,
    });
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^Operation cost 315210 is over the limit of 50000/,
        ) as string,
        extensions: {
          code: "GRAPHQL_VALIDATION_FAILED",
          details: { cost: 315_210, maxCost: 50_000 },
        },
      }),
    ]);
  });

  it("serves the web app's largest query and the schema documents it loads", async () => {
    const projects = await post(server.url, { query: PROJECTS_QUERY });
    expect(projects.errors).toEqual([]);
    expect(projects.data).toMatchObject({
      projects: {
        edges: [{ node: { name: "Amplified", boards: { edges: [{ node: { name: "b" } }] } } }],
      },
    });
    const schemas = await post(server.url, {
      query: '{ boardConfigSchema(id: "board-config/2") { id jsonSchema uiSchema } }',
    });
    expect(schemas.errors).toEqual([]);
  });

  it("refuses an answer over 4 MiB with RESPONSE_TOO_LARGE, though its cost is small", async () => {
    const project = await createProject(server.db, {
      slug: "long-description",
      name: "Long",
      ownerId: server.viewer.id,
    });
    await server.db.project.update({
      where: { id: project.id },
      data: { description: "d".repeat(5 * 2 ** 20) },
    });
    const answer = await post(server.url, {
      query: "{ projects { edges { node { description } } } }",
    });
    console.log(`5 MiB description: ${answer.status}, ${answer.text.length} bytes sent`);
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(1_024);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: "RESPONSE_TOO_LARGE" }) as object,
      }),
    ]);
    await server.db.project.delete({ where: { id: project.id } });
  });

  it("logs none of these client mistakes above info", () => {
    expect(captured.aboveInfo()).toEqual([]);
  });
});
