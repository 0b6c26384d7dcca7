// Documents shaped to exhaust the stack or the CPU in parsing and validation: long fragment
// chains, deep nesting, doubling fragment trees and repeated fields. The token limit stops the
// large ones while parsing; the depth limit and bounded validation handle what fits under it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestServer, type TestServer } from "../start-test-server.ts";
import { capturedLog, codesOf, post, stillAlive } from "./adversarial-helpers.ts";

/** `query{...F0} fragment F0 on Query{...F1} … fragment F<n> on Query{health{status}}` */
function fragmentChain(length: number): string {
  const links = Array.from({ length }, (_, i) => `fragment F${i} on Query{...F${i + 1}}`);
  return `query{...F0} ${links.join(" ")} fragment F${length} on Query{health{status}}`;
}

const TOKEN_LIMIT_MESSAGE =
  "Syntax Error: Document contains more that 1000 tokens. Parsing aborted.";

describe("GraphQL depth and size limits", () => {
  const captured = capturedLog();
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ log: captured.log });
  });
  afterAll(() => server?.close());

  it("refuses a 4,400-fragment chain while parsing, with a 400 and no stack overflow", async () => {
    const answer = await post(server.url, { query: fragmentChain(4_400) });
    console.log(`4,400-fragment chain: ${answer.status} in ${answer.ms.toFixed(0)} ms`);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: TOKEN_LIMIT_MESSAGE,
        extensions: { code: "GRAPHQL_PARSE_FAILED" },
      }),
    ]);
    expect(answer.ms).toBeLessThan(1_000);
    expect(await stillAlive(server.url)).toBe(true);
  });

  it("refuses a selection 10,000 deep by its tokens, before the parser recurses", async () => {
    const query = `{${"a{".repeat(10_000)}b${"}".repeat(10_001)}`;
    const answer = await post(server.url, { query });
    expect(answer.status).toBe(400);
    expect(answer.errors.map((error) => error.message)).toEqual([TOKEN_LIMIT_MESSAGE]);
  });

  it("refuses a selection deeper than 10 that fits the token limit", async () => {
    const query =
      '{ __type(name: "Query") { fields { type { fields { type { fields { type { fields { type {' +
      " fields { name } } } } } } } } } } }";
    const answer = await post(server.url, { query });
    expect(answer.status).toBe(400);
    expect(answer.errors).toContainEqual(
      expect.objectContaining({
        message: "Query depth limit of 10 exceeded, found 11.",
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    );
  });

  it("answers a fragment chain that fits the token limit", async () => {
    const answer = await post(server.url, { query: fragmentChain(120) });
    expect(answer.errors).toEqual([]);
    expect(answer.data).toEqual({ health: { status: "OK" } });
  });

  it("validates a doubling fragment tree (2^30 paths) in milliseconds", async () => {
    const levels = Array.from(
      { length: 30 },
      (_, i) => `fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`,
    );
    const query = `query{...F0} ${levels.join(" ")} fragment F30 on Query{health{status}}`;
    const answer = await post(server.url, { query });
    console.log(`doubling fragment tree: ${answer.status} in ${answer.ms.toFixed(0)} ms`);
    expect(answer.data).toEqual({ health: { status: "OK" } });
    expect(answer.ms).toBeLessThan(500);
  });

  it("keeps the quadratic check of repeated fields short: 249 repeats fit, 1,250 do not", async () => {
    const fits = await post(server.url, { query: `{${" health{status}".repeat(249)}}` });
    const over = await post(server.url, { query: `{${" health{status}".repeat(1_250)}}` });
    console.log(
      `repeated fields: 249 in ${fits.ms.toFixed(0)} ms (${fits.status}), 1,250 in ` +
        `${over.ms.toFixed(0)} ms (${over.status})`,
    );
    expect(fits.data).toEqual({ health: { status: "OK" } });
    expect(fits.ms).toBeLessThan(500);
    expect(codesOf(over.errors)).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("logs none of these client mistakes above info", () => {
    expect(captured.aboveInfo()).toEqual([]);
  });
});
