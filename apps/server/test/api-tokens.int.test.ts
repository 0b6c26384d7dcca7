// API tokens end to end against the real server and database: made when signed in, shown once,
// stored hashed, accepted as Bearer on GraphQL over HTTP, graphql-ws and the collab socket,
// limited by scope, and refused with 401 once malformed, unknown, expired or revoked.
import { createHash } from "node:crypto";

import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PermissionDeniedReason } from "../src/collab/close-codes.ts";
import { connectBoard, openRawSocket, recordDeniedReasons } from "./collab-clients.ts";
import { graphql, signIn, startTestServer, type TestServer } from "./start-test-server.ts";

interface Answer<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe("API tokens", () => {
  let server: TestServer;
  let cookie: string;
  let projectId: string;
  let boardId: string;
  let versionId: string;

  /** GraphQL with a Bearer token; the HTTP status too. */
  async function withToken<T>(token: string, query: string, variables?: Record<string, unknown>) {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, response, body: (await response.json()) as Answer<T> };
  }

  async function asUser<T>(query: string, variables?: Record<string, unknown>): Promise<Answer<T>> {
    return (await graphql<T>(server.url, query, variables, { cookie })).body;
  }

  async function createToken(name: string, scopes: string[], expiresInDays?: number) {
    const answer = await asUser<{
      createApiToken: { secret: string; apiToken: { id: string; prefix: string } };
    }>(
      "mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id prefix scopes expiresAt } } }",
      { input: { name, scopes, expiresInDays } },
    );
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data.createApiToken;
  }

  beforeAll(async () => {
    server = await startTestServer({ auth: { mode: "dev" } });
    cookie = await signIn(server.url, "tina");
    const created = await asUser<{ createProject: { project: { id: string } } }>(
      'mutation { createProject(input: { name: "Tokens" }) { project { id } } }',
    );
    projectId = created.data?.createProject.project.id ?? "";
    const board = await asUser<{ createBoard: { board: { id: string } } }>(
      'mutation ($p: ID!) { createBoard(input: { projectId: $p, name: "b", catalogueBoardId: "qemu-arm64" }) { board { id } } }',
      { p: projectId },
    );
    boardId = board.data?.createBoard.board.id ?? "";
    const saved = await asUser<{ saveVersion: { version: { id: string } } }>(
      "mutation ($b: ID!) { saveVersion(input: { boardId: $b }) { version { id } } }",
      { b: boardId },
    );
    versionId = saved.data?.saveVersion.version.id ?? "";
  });
  afterAll(() => server?.close());

  it("shows the secret once and stores only its hash", async () => {
    const { secret, apiToken } = await createToken("ci", ["READ"]);
    expect(secret).toMatch(/^bbos_[A-Za-z0-9_-]{43}$/);
    expect(apiToken.prefix).toBe(secret.slice(0, 9));
    const listed = await asUser<{ apiTokens: { edges: { node: Record<string, unknown> }[] } }>(
      "{ apiTokens { edges { node { id name prefix scopes expiresAt lastUsedAt revokedAt } } } }",
    );
    const node = listed.data?.apiTokens.edges.find((edge) => edge.node.id === apiToken.id)?.node;
    expect(node).toMatchObject({ name: "ci", scopes: ["READ"], lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(secret);
    // 90 days unless asked otherwise.
    const expiresIn = new Date(String(node?.expiresAt)).getTime() - Date.now();
    expect(Math.round(expiresIn / 86_400_000)).toBe(90);

    const row = await server.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(
      JSON.stringify(row, (_key, value: unknown) =>
        typeof value === "bigint" ? String(value) : value,
      ),
    ).not.toContain(secret.slice(9));
  });

  it("acts as its user over HTTP and records when it was used", async () => {
    const { secret, apiToken } = await createToken("reader", ["READ"]);
    const { status, body } = await withToken<{ me: { login: string } }>(secret, "{ me { login } }");
    expect(status).toBe(200);
    expect(body.data?.me.login).toBe("tina");
    const row = await server.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("allows what its scope allows and refuses the rest, naming the scope needed", async () => {
    const read = (await createToken("scope-read", ["READ"])).secret;
    const build = (await createToken("scope-build", ["BUILD"])).secret;
    const admin = (await createToken("scope-admin", ["ADMIN"])).secret;
    const start = `mutation ($v: ID!) { startBuild(input: { versionId: $v, recipe: "shell-test", force: true }) { build { id } } }`;
    const rename = `mutation ($b: ID!) { renameBoard(input: { boardId: $b, name: "renamed" }) { board { name } } }`;

    const readBoards = await withToken(
      read,
      "query ($p: ID!) { project(id: $p) { boards { totalCount } } }",
      { p: projectId },
    );
    expect(readBoards.body.errors).toBeUndefined();
    const refused = await withToken(read, start, { v: versionId });
    expect(refused.body.errors?.[0]).toMatchObject({
      message: "This API token's scopes (READ) do not allow this operation; it needs BUILD.",
      extensions: { code: "FORBIDDEN" },
    });
    expect((await withToken(build, start, { v: versionId })).body.errors).toBeUndefined();
    expect(
      (await withToken(build, rename, { b: boardId })).body.errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
    expect((await withToken(admin, rename, { b: boardId })).body.errors).toBeUndefined();

    // A token cannot make more tokens, whatever its scope.
    const minted = await withToken(
      admin,
      'mutation { createApiToken(input: { name: "x", scopes: [ADMIN] }) { secret } }',
    );
    expect(minted.body.errors?.[0]?.message).toBe(
      "API tokens are managed when signed in, not with a token.",
    );
  });

  it("answers 401 without detail for malformed, unknown, expired and revoked tokens", async () => {
    const revoked = await createToken("to-revoke", ["READ"]);
    const revoke = await asUser<{ revokeApiToken: { apiToken: { revokedAt: string } } }>(
      "mutation ($id: ID!) { revokeApiToken(input: { tokenId: $id }) { apiToken { revokedAt } } }",
      { id: revoked.apiToken.id },
    );
    expect(revoke.data?.revokeApiToken.apiToken.revokedAt).toEqual(expect.any(String));
    const expired = await createToken("to-expire", ["READ"], 1);
    await server.db.apiToken.update({
      where: { id: expired.apiToken.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const bodies = new Set<string>();
    for (const token of ["not-a-token", `bbos_${"A".repeat(43)}`, expired.secret, revoked.secret]) {
      const { status, response, body } = await withToken(token, "{ me { login } }");
      expect(status, token).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      bodies.add(JSON.stringify(body));
    }
    // One answer for all four: it does not tell which.
    expect(bodies.size).toBe(1);
    const download = await fetch(`${server.url}/builds/${crypto.randomUUID()}/log.txt`, {
      headers: { authorization: `Bearer ${revoked.secret}` },
    });
    expect(download.status).toBe(401);
  });

  it("refuses bad names, scopes and lifetimes, and a second token of the same name", async () => {
    const create = (input: Record<string, unknown>) =>
      asUser(
        "mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret } }",
        { input },
      );
    expect((await create({ name: "", scopes: ["READ"] })).errors?.[0]?.extensions?.code).toBe(
      "BAD_USER_INPUT",
    );
    expect((await create({ name: "none", scopes: [] })).errors?.[0]?.message).toBe(
      "A token needs at least one scope: READ, BUILD or ADMIN.",
    );
    expect(
      (await create({ name: "long", scopes: ["READ"], expiresInDays: 400 })).errors?.[0]?.message,
    ).toBe("A token expires after 1 to 366 days; got 400.");
    await createToken("twice", ["READ"]);
    expect((await create({ name: "twice", scopes: ["READ"] })).errors?.[0]?.extensions?.code).toBe(
      "CONFLICT",
    );
    // Another user's token cannot be revoked.
    const other = await signIn(server.url, "ursula");
    const mine = await createToken("mine", ["READ"]);
    const theirs = await graphql(
      server.url,
      "mutation ($id: ID!) { revokeApiToken(input: { tokenId: $id }) { apiToken { id } } }",
      { id: mine.apiToken.id },
      { cookie: other },
    );
    expect(theirs.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("is accepted in graphql-ws connectionParams, and a bad one closes the socket", async () => {
    const { secret } = await createToken("ws", ["READ"]);
    const client = (authorization: string) =>
      createClient({
        url: `${server.url.replace("http", "ws")}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization },
      });
    const good = client(`Bearer ${secret}`);
    const first = await new Promise<unknown>((resolve, reject) => {
      good.subscribe(
        {
          query: "subscription ($b: ID!) { boardValidation(boardId: $b) { valid } }",
          variables: { b: boardId },
        },
        { next: resolve, error: reject, complete: () => undefined },
      );
    });
    expect(first).toEqual({ data: { boardValidation: { valid: true } } });
    await good.dispose();

    const bad = client("Bearer bbos_nope");
    const closed = await new Promise<unknown>((resolve) => {
      bad.subscribe(
        { query: "subscription { serverTime }" },
        { next: () => undefined, error: resolve, complete: () => undefined },
      );
    });
    expect((closed as { code?: number }).code).toBe(4403);
    await bad.dispose();
  });

  it("opens the collab socket: read-only with READ, writable with ADMIN, refused when bad", async () => {
    const read = (await createToken("collab-read", ["READ"])).secret;
    const admin = (await createToken("collab-admin", ["ADMIN"])).secret;
    const deniedWith = async (token: string) => {
      using client = connectBoard(server.url, boardId, { authorization: `Bearer ${token}` });
      const denied = recordDeniedReasons(client);
      await client.synced;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return denied;
    };
    expect(await deniedWith(read)).toContain(PermissionDeniedReason.READ_ONLY);
    expect(await deniedWith(admin)).toEqual([]);
    const refused = openRawSocket(server.url, boardId, { authorization: "Bearer bbos_bad" });
    expect((await refused.closed).code).toBe(4401);
  });
});
