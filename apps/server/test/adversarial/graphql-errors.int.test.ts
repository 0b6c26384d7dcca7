// Client mistakes over HTTP: each gets a 4xx and a 4xx-class code, is logged at most at info, and
// repeats at most a little of what the client sent. (Bodies that are not JSON or not gzip are
// refused before GraphQL: http-limits.int.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestServer, type TestServer } from "../start-test-server.ts";
import { capturedLog, codesOf, post } from "./adversarial-helpers.ts";

/** The longest message format-error.ts sends, plus the ellipsis. */
const LONGEST_MESSAGE = 513;

describe("GraphQL client mistakes over HTTP", () => {
  const captured = capturedLog();
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ log: captured.log });
  });
  afterAll(() => server?.close());

  it("answers a subscription sent over HTTP with a 400 that points to the WebSocket", async () => {
    const answer = await post(server.url, { query: "subscription { serverTime }" });
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message:
          "Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql, not over HTTP.",
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    ]);
  });

  it("answers a subscription whose validation throws inside graphql-js with a 400", async () => {
    // SingleFieldSubscriptionsRule evaluates @skip while validating, and throws on a bad `if`.
    const answer = await post(server.url, { query: "subscription { serverTime @skip(if: 1.5) }" });
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: 'Argument "if" has invalid value 1.5.',
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    ]);
  });

  it("answers an unknown persisted-query version with 400 BAD_REQUEST", async () => {
    const answer = await post(server.url, {
      query: "{ health { status } }",
      extensions: { persistedQuery: { version: 2, sha256Hash: "0".repeat(64) } },
    });
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      { message: "Unsupported persisted query version", extensions: { code: "BAD_REQUEST" } },
    ]);
  });

  it("quotes 64 characters of a 500k-character unknown field name", async () => {
    const answer = await post(server.url, { query: `{ ${"f".repeat(500_000)} }` });
    console.log(`500k-character field name: ${answer.status}, ${answer.text.length} bytes back`);
    expect(answer.status).toBe(400);
    expect(answer.errors[0]?.message).toBe(
      `Cannot query field "${"f".repeat(64)}…" on type "Query".`,
    );
    expect(answer.text.length).toBeLessThan(1_024);
  });

  it("bounds echoes graphql-js does not quote: a 300k-digit Int literal", async () => {
    const answer = await post(server.url, {
      query: `{ projects(first: ${"1".repeat(300_000)}) { totalCount } }`,
    });
    console.log(`300k-digit Int: ${answer.status}, ${answer.text.length} bytes back`);
    expect(answer.status).toBe(400);
    expect(codesOf(answer.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(answer.errors[0]?.message).toMatch(/^Int cannot represent non 32-bit signed integer/);
    expect(answer.errors[0]?.message.length).toBeLessThanOrEqual(LONGEST_MESSAGE);
  });

  it("quotes a 900k-character schema id in part, as a literal and as a variable", async () => {
    const id = "x".repeat(900_000);
    const literal = await post(server.url, {
      query: `{ boardConfigSchema(id: "${id}") { id } }`,
    });
    const variable = await post(server.url, {
      query: "query ($id: BoardConfigSchemaId!) { boardConfigSchema(id: $id) { id } }",
      variables: { id },
    });
    for (const answer of [literal, variable]) {
      expect(answer.status).toBe(400);
      expect(answer.text.length).toBeLessThan(1_024);
      expect(answer.errors[0]?.message).toContain(`"${"x".repeat(64)}…"`);
    }
    expect(codesOf(literal.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(codesOf(variable.errors)).toEqual(["BAD_USER_INPUT"]);
  });

  it("quotes an unknown operation name in part", async () => {
    const answer = await post(server.url, {
      query: "query A { health { status } }",
      operationName: "B".repeat(100_000),
    });
    expect(answer.status).toBe(400);
    expect(codesOf(answer.errors)).toEqual(["OPERATION_RESOLUTION_FAILURE"]);
    expect(answer.text.length).toBeLessThan(1_024);
  });

  it("logs none of these client mistakes above info", () => {
    expect(captured.aboveInfo()).toEqual([]);
  });
});
