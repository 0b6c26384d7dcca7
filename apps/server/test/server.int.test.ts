import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

import { addMember, createBoard, createProject, upsertGithubUser } from "@bbos/db";

import {
  graphql,
  startTestServer,
  subscriptionClient,
  type TestServer,
} from "./start-test-server.ts";

describe("API server", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("reports liveness and readiness of PostgreSQL and Redis", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ok",
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
  });

  it("answers health and me over HTTP", async () => {
    const { body } = await graphql(server.url, "{ health { status version } me { login } }");
    expect(body).toEqual({
      data: { health: { status: "OK", version: "test" }, me: { login: "tester" } },
    });
  });

  it("lists only the viewer's projects, with role and boards", async () => {
    const mine = await createProject(server.db, {
      slug: "mine",
      name: "Mine",
      ownerId: server.viewer.id,
    });
    await createBoard(server.db, {
      projectId: mine.id,
      name: "rock-5b",
      schemaId: "board-config/1",
    });
    const stranger = await upsertGithubUser(server.db, { githubId: 99n, login: "stranger" });
    const theirs = await createProject(server.db, {
      slug: "theirs",
      name: "Theirs",
      ownerId: stranger.id,
    });

    const { body } = await graphql<{ projects: unknown }>(
      server.url,
      "{ projects { totalCount edges { node { slug role boards { edges { node { name schemaId } } } } } } }",
    );
    expect(body.data?.projects).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            slug: "mine",
            role: "OWNER",
            boards: { edges: [{ node: { name: "rock-5b", schemaId: "board-config/1" } }] },
          },
        },
      ],
    });

    const hidden = await graphql(server.url, "query($id: ID!) { project(id: $id) { slug } }", {
      id: theirs.id,
    });
    expect(hidden.body).toEqual({ data: { project: null } });

    await addMember(server.db, theirs.id, server.viewer.id, "VIEWER");
    const shared = await graphql(server.url, "query($id: ID!) { project(id: $id) { slug role } }", {
      id: theirs.id,
    });
    expect(shared.body).toEqual({ data: { project: { slug: "theirs", role: "VIEWER" } } });
  });

  it("treats a malformed project id as not found", async () => {
    const { body } = await graphql(server.url, '{ project(id: "not-a-uuid") { slug } }');
    expect(body).toEqual({ data: { project: null } });
  });

  it("rejects invalid queries with a request error, not a crash", async () => {
    const { status, body } = await graphql(server.url, "{ nope }");
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    const malformed = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
  });

  it("answers an unknown mutation field with 400 and a validation error", async () => {
    const { status, body } = await graphql(server.url, "mutation { health { status } }");
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.message).toMatch(/^Cannot query field "health" on type "Mutation"\./);
    expect(body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("pages through a connection with opaque cursors", async () => {
    const project = await createProject(server.db, {
      slug: "paged",
      name: "Paged",
      ownerId: server.viewer.id,
    });
    for (const name of ["a", "b", "c"]) {
      await createBoard(server.db, { projectId: project.id, name, schemaId: "board-config/2" });
    }
    const page = (after: string | null) =>
      graphql<{
        project: {
          boards: {
            totalCount: number;
            edges: { cursor: string; node: { name: string } }[];
            pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
          };
        };
      }>(
        server.url,
        `
          query ($id: ID!, $after: String) {
            project(id: $id) {
              boards(first: 2, after: $after) {
                totalCount
                edges {
                  cursor
                  node {
                    name
                  }
                }
                pageInfo {
                  hasNextPage
                  hasPreviousPage
                  endCursor
                }
              }
            }
          }
        `,
        { id: project.id, after },
      );
    const first = (await page(null)).body.data?.project.boards;
    expect(first?.edges.map((edge) => edge.node.name)).toEqual(["a", "b"]);
    expect(first?.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first?.totalCount).toBe(3);
    const second = (await page(first?.pageInfo.endCursor ?? null)).body.data?.project.boards;
    expect(second?.edges.map((edge) => edge.node.name)).toEqual(["c"]);
    expect(second?.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const forged = await page("not-a-cursor");
    expect(forged.body.errors?.[0]).toMatchObject({
      message: "`after` is not a cursor this API returned",
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("refuses request bodies over the limit", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ health { status } } #${"x".repeat(2 * 1024 * 1024)}` }),
    });
    expect(response.status).toBe(413);
  });

  it("streams a subscription over graphql-ws on the same port", async () => {
    const client = subscriptionClient(server.url);
    try {
      const received: string[] = [];
      const subscription = client.iterate<{ serverTime: string }>({
        query: "subscription { serverTime(intervalMs: 100) }",
      });
      for await (const event of subscription) {
        expect(event.errors).toBeUndefined();
        received.push(event.data?.serverTime ?? "");
        if (received.length === 3) break;
      }
      expect(received).toHaveLength(3);
      for (const time of received) expect(Date.parse(time)).not.toBeNaN();
      expect(Date.parse(received[2] ?? "")).toBeGreaterThan(Date.parse(received[0] ?? ""));
    } finally {
      await client.dispose();
    }
  });

  it("reports a bad subscription argument as a GraphQL error", async () => {
    const client = subscriptionClient(server.url);
    try {
      const events = client.iterate({ query: "subscription { serverTime(intervalMs: 1) }" });
      const first = await events.next();
      expect(first.value).toEqual({
        errors: [
          expect.objectContaining({
            message: "intervalMs must be an integer from 100 to 60000",
            extensions: { code: "BAD_USER_INPUT", domainCode: "BAD_INPUT" },
          }),
        ],
      });
    } finally {
      await client.dispose();
    }
  });

  it("refuses WebSocket upgrades on unknown paths", async () => {
    const socket = new WebSocket(server.url.replace("http", "ws") + "/nowhere");
    const status = await new Promise<number | undefined>((resolve) => {
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      socket.on("error", () => resolve(undefined));
    });
    expect(status).toBe(404);
  });
});

describe("API server without a reachable Redis", () => {
  it("reports not ready with the failing dependency named", async () => {
    await using server = await startTestServer();
    server.redis.disconnect();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: "unavailable",
      checks: { postgres: { ok: true }, redis: { ok: false } },
    });
  });
});
