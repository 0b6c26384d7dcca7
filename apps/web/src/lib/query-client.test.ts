import { describe, expect, it } from "vitest";

import { GraphQLRequestError } from "./graphql";
import { createQueryClient } from "./query-client";

describe("createQueryClient", () => {
  it("asks who is signed in again when a query is refused as UNAUTHENTICATED", async () => {
    const client = createQueryClient();
    client.setQueryData(["session"], { user: { login: "demo" } });
    const unauthenticated = new GraphQLRequestError([
      {
        message: "Your session has ended; sign in again.",
        extensions: { code: "UNAUTHENTICATED" },
      },
    ]);
    await client
      .fetchQuery({
        queryKey: ["boards"],
        queryFn: () => Promise.reject(unauthenticated),
        retry: false,
      })
      .catch(() => undefined);
    expect(client.getQueryState(["session"])?.isInvalidated).toBe(true);
  });

  it("leaves the session alone for other errors", async () => {
    const client = createQueryClient();
    client.setQueryData(["session"], { user: { login: "demo" } });
    const notFound = new GraphQLRequestError([
      { message: "No such board", extensions: { code: "NOT_FOUND" } },
    ]);
    await client
      .fetchQuery({ queryKey: ["board"], queryFn: () => Promise.reject(notFound), retry: false })
      .catch(() => undefined);
    expect(client.getQueryState(["session"])?.isInvalidated).toBe(false);
  });
});
