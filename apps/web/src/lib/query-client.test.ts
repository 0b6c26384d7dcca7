import { describe, expect, it } from "vitest";

import { GraphQLRequestError } from "./graphql";
import { createQueryClient } from "./query-client";
import { useToastStore } from "./toast-store";

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

  it("shows a failed mutation's server message as an error toast, unless its form shows it", async () => {
    useToastStore.setState({ toasts: [] });
    const client = createQueryClient();
    const conflict = new GraphQLRequestError([
      { message: "A board named “lab” already exists", extensions: { code: "CONFLICT" } },
    ]);
    const fail = (meta?: Record<string, unknown>) =>
      client
        .getMutationCache()
        .build(client, { mutationFn: () => Promise.reject(conflict), ...(meta ? { meta } : {}) })
        .execute(undefined)
        .catch(() => undefined);
    await fail();
    await fail({ toast: false });
    const toasts = useToastStore.getState().toasts;
    expect(toasts.map(({ tone, message }) => ({ tone, message }))).toEqual([
      { tone: "error", message: "A board named “lab” already exists" },
    ]);
  });
});
