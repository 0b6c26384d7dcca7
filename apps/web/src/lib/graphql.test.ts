import { describe, expect, it, vi } from "vitest";

import { parseRequestBody, stubGraphQL } from "../../test/stub-graphql";
import { TypedDocumentString } from "../../generated/graphql/graphql";
import { GraphQLRequestError, graphqlRequest } from "./graphql";

const doc = (query: string) => new TypedDocumentString<unknown, unknown>(query);

describe("graphqlRequest", () => {
  it("posts the query and variables and resolves with data", async () => {
    const fetchMock = stubGraphQL(() => ({ data: { project: { id: "p1" } } }));

    await expect(
      graphqlRequest(doc("query P($id: ID!) { project(id: $id) { id } }"), { id: "p1" }),
    ).resolves.toEqual({
      project: { id: "p1" },
    });

    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/graphql");
    expect(init?.method).toBe("POST");
    expect(parseRequestBody(init)).toEqual({
      query: "query P($id: ID!) { project(id: $id) { id } }",
      variables: { id: "p1" },
    });
  });

  it("throws the GraphQL error message and keeps the error code", async () => {
    stubGraphQL(() => ({
      data: null,
      errors: [{ message: "Project not found", extensions: { code: "NOT_FOUND" } }],
    }));

    const error = await graphqlRequest(doc("{ project(id: 1) { id } }")).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).message).toBe("Project not found");
    expect((error as GraphQLRequestError).code).toBe("NOT_FOUND");
  });

  it("reads errors from an HTTP 400 answer, as Apollo sends for invalid queries", async () => {
    stubGraphQL(
      () => ({ errors: [{ message: 'Cannot query field "nope" on type "Query".' }] }),
      400,
    );

    await expect(graphqlRequest(doc("{ nope }"))).rejects.toThrow(
      'Cannot query field "nope" on type "Query".',
    );
  });

  it("joins several error messages", async () => {
    stubGraphQL(() => ({ errors: [{ message: "first" }, { message: "second" }] }));

    await expect(graphqlRequest(doc("{ a b }"))).rejects.toThrow("first; second");
  });

  it("wraps a network failure with its cause", async () => {
    const networkError = new TypeError("Failed to fetch");
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(networkError)),
    );

    const error = await graphqlRequest(doc("{ health { status } }")).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("Could not reach the API");
    expect((error as Error).cause).toBe(networkError);
  });

  it("reports a non-JSON answer with its HTTP status", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.resolve(new Response("Bad Gateway", { status: 502 }))),
    );

    await expect(graphqlRequest(doc("{ health { status } }"))).rejects.toThrow(
      "The API answered HTTP 502 without GraphQL JSON",
    );
  });
});
