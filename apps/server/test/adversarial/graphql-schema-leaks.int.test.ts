// With introspection off (production), nothing tells a client more of the schema than it asked
// for: no introspection on either transport, no "Did you mean …?" suggestions, no landing page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestServer, type TestServer } from "../start-test-server.ts";
import { codesOf, post, rawSocket } from "./adversarial-helpers.ts";

/** Misspellings whose messages graphql-js ends with a guess naming real schema members. */
const MISTAKES: { query: string; variables?: Record<string, unknown> }[] = [
  { query: "{ projecs { totalCount } }" },
  { query: "{ catalogueBoards(architecture: ARM) { id } }" },
  { query: "{ catalogueBoards(architectur: ARM64) { id } }" },
  { query: "query ($id: BoardConfigSchemaI!) { boardConfigSchema(id: $id) { id } }" },
  // Coerced while executing, not validating: a separate path through Apollo.
  {
    query: "query ($a: Architecture) { catalogueBoards(architecture: $a) { id } }",
    variables: { a: "ARM" },
  },
];

describe("GraphQL with introspection off", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ introspection: false });
  });
  afterAll(() => server?.close());

  it("suggests no field, argument, type or enum value over HTTP", async () => {
    for (const mistake of MISTAKES) {
      const answer = await post(server.url, mistake);
      expect(answer.status).toBe(400);
      for (const error of answer.errors) expect(error.message).not.toMatch(/Did you mean/);
      expect(answer.text).not.toMatch(/"projects"|ARM64|ARMHF|architecture"|BoardConfigSchemaId"/);
    }
  });

  it("suggests nothing and refuses introspection over WebSocket", async () => {
    const socket = rawSocket(server.url);
    try {
      await socket.ready;
      socket.subscribe("typo", "subscription { serverTim }");
      const typo = await socket.answerTo("typo");
      expect(typo.type).toBe("error");
      expect(JSON.stringify(typo.payload)).not.toMatch(/Did you mean|serverTime/);

      socket.subscribe("schema", "{ __schema { types { name } } }");
      const schema = await socket.answerTo("schema");
      expect(schema.type).toBe("error");
      // One error per introspection field (`__schema`, then `types`).
      expect(new Set(codesOf(schema.payload as []))).toEqual(
        new Set(["GRAPHQL_VALIDATION_FAILED"]),
      );
    } finally {
      socket.close();
    }
  });

  it("refuses introspection over HTTP", async () => {
    const answer = await post(server.url, { query: "{ __schema { types { name } } }" });
    expect(answer.status).toBe(400);
    expect(codesOf(answer.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  it("serves no landing page, and so loads nothing from elsewhere", async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(body).not.toMatch(/<script|https?:\/\//);
  });
});

describe("GraphQL with introspection on (development)", () => {
  it("still suggests, since the schema is public there anyway", async () => {
    await using server = await startTestServer();
    const answer = await post(server.url, { query: "{ projecs { totalCount } }" });
    expect(answer.errors[0]?.message).toBe(
      'Cannot query field "projecs" on type "Query". Did you mean "project" or "projects"?',
    );
  });
});
