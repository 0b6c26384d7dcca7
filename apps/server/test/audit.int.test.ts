// The audit trail against the real server and database: mutations allowed and refused, sign-ins
// and sign-outs, token writes and downloads each append an event with who, what, where and the
// outcome; owners and maintainers read it, filtered and paged; nothing sent is recorded.
import { Readable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signIn, startTestServer, testBuildOptions, type TestServer } from "./start-test-server.ts";

interface AuditEventJson {
  action: string;
  outcome: string;
  actorLogin: string | null;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
}

const EVENT_FIELDS = "action outcome actorLogin targetType targetId details ip userAgent";

describe("audit trail", () => {
  let server: TestServer;
  let builds: Awaited<ReturnType<typeof testBuildOptions>>;
  const cookies = new Map<string, string>();
  let projectId: string;

  async function as<T>(login: string, query: string, variables?: Record<string, unknown>) {
    const cookie = cookies.get(login) ?? (await signIn(server.url, login));
    cookies.set(login, cookie);
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "user-agent": "audit-test/1.0" },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: T;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  }

  async function events(filter: Record<string, unknown> = {}, first = 50, after?: string) {
    const answer = await as<{
      auditEvents: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { node: AuditEventJson }[];
      };
    }>(
      "owner",
      `query ($p: ID!, $f: AuditEventFilter, $first: Int, $after: String) {
        auditEvents(projectId: $p, filter: $f, first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { ${EVENT_FIELDS} } }
        }
      }`,
      { p: projectId, f: filter, first, after },
    );
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data.auditEvents;
  }

  beforeAll(async () => {
    builds = await testBuildOptions();
    server = await startTestServer({
      builds,
      auth: { mode: "dev" },
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, signInsPerMinute: 0 },
    });
    const created = await as<{ createProject: { project: { id: string } } }>(
      "owner",
      'mutation { createProject(input: { name: "Audited" }) { project { id } } }',
    );
    projectId = created.data?.createProject.project.id ?? "";
    await as(
      "owner",
      'mutation ($p: ID!) { inviteMember(input: { projectId: $p, login: "vera", role: VIEWER }) { membership { role } } }',
      { p: projectId },
    );
  });
  afterAll(() => server?.close());

  it("records allowed and refused mutations with actor, target, origin and outcome, not their values", async () => {
    await as(
      "owner",
      'mutation ($p: ID!) { renameProject(input: { projectId: $p, name: "Secret plans" }) { project { id } } }',
      { p: projectId },
    );
    await as(
      "vera",
      'mutation ($p: ID!) { renameProject(input: { projectId: $p, name: "Mine now" }) { project { id } } }',
      { p: projectId },
    );
    const renames = await events({ action: "renameProject" });
    expect(renames.edges.map((edge) => edge.node)).toEqual([
      {
        action: "renameProject",
        outcome: "FAILURE",
        actorLogin: "vera",
        targetType: "Project",
        targetId: projectId,
        details: { code: "FORBIDDEN" },
        ip: expect.stringMatching(/127\.0\.0\.1/) as string,
        userAgent: "audit-test/1.0",
      },
      expect.objectContaining({ outcome: "SUCCESS", actorLogin: "owner", details: {} }),
    ]);
    const all = JSON.stringify(await events());
    expect(all).not.toContain("Secret plans");
    expect(all).not.toContain("Mine now");
    // The project's creation is its first event.
    const creation = await events({ action: "createProject" });
    expect(creation.edges[0]?.node).toMatchObject({
      outcome: "SUCCESS",
      targetType: "Project",
      targetId: projectId,
    });
  });

  it("records refused calls that name no real id, without failing to record", async () => {
    const answer = await as(
      "owner",
      'mutation { renameProject(input: { projectId: "not-an-id", name: "x" }) { project { id } } }',
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const event = await server.db.auditEvent.findFirstOrThrow({
      where: { action: "renameProject", targetId: "not-an-id" },
    });
    expect(event).toMatchObject({
      projectId: null,
      outcome: "FAILURE",
      data: { code: "NOT_FOUND" },
    });
  });

  it("records which API token made a write", async () => {
    const token = await as<{ createApiToken: { secret: string; apiToken: { id: string } } }>(
      "owner",
      'mutation { createApiToken(input: { name: "audit", scopes: [ADMIN] }) { secret apiToken { id } } }',
    );
    const { secret, apiToken } = token.data?.createApiToken ?? { secret: "", apiToken: { id: "" } };
    await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({
        query:
          'mutation ($p: ID!) { createBoard(input: { projectId: $p, name: "by-token", catalogueBoardId: "qemu-arm64" }) { board { id } } }',
        variables: { p: projectId },
      }),
    });
    const created = await events({ action: "createBoard" });
    expect(created.edges[0]?.node).toMatchObject({
      outcome: "SUCCESS",
      actorLogin: "owner",
      targetType: "Project",
      details: { tokenId: apiToken.id },
    });
  });

  it("records sign-ins, refused sign-ins and sign-outs", async () => {
    const cookie = await signIn(server.url, "walt");
    await fetch(`${server.url}/auth/logout`, { method: "POST", headers: { cookie } });
    await fetch(`${server.url}/auth/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "not valid" }),
    });
    const walt = await server.db.user.findUniqueOrThrow({ where: { login: "walt" } });
    const trail = await server.db.auditEvent.findMany({
      where: { OR: [{ actorId: walt.id }, { action: "signIn", outcome: "FAILURE" }] },
      orderBy: { id: "asc" },
    });
    expect(trail.map(({ action, outcome, data }) => ({ action, outcome, data }))).toEqual([
      { action: "signIn", outcome: "SUCCESS", data: { method: "dev" } },
      { action: "signOut", outcome: "SUCCESS", data: {} },
      { action: "signIn", outcome: "FAILURE", data: { method: "dev", reason: "malformed login" } },
    ]);
  });

  it("records downloads, done and refused, under the artifact's project", async () => {
    const board = await as<{ createBoard: { board: { id: string } } }>(
      "owner",
      'mutation ($p: ID!) { createBoard(input: { projectId: $p, name: "dl", catalogueBoardId: "qemu-arm64" }) { board { id } } }',
      { p: projectId },
    );
    const boardId = board.data?.createBoard.board.id ?? "";
    const saved = await as<{ saveVersion: { version: { id: string } } }>(
      "owner",
      "mutation ($b: ID!) { saveVersion(input: { boardId: $b }) { version { id } } }",
      { b: boardId },
    );
    const started = await as<{ startBuild: { build: { id: string } } }>(
      "owner",
      'mutation ($v: ID!) { startBuild(input: { versionId: $v, recipe: "shell-test" }) { build { id } } }',
      { v: saved.data?.saveVersion.version.id },
    );
    const buildId = started.data?.startBuild.build.id ?? "";
    const storageKey = `builds/${buildId}/audit.txt`;
    await builds.store.put(storageKey, Readable.from([Buffer.from("x")]));
    const artifact = await server.db.artifact.create({
      data: {
        buildId,
        kind: "IMAGE",
        name: "audit.txt",
        size: 1n,
        sha256: "0".repeat(64),
        storageKey,
      },
    });
    const url = `${server.url}/artifacts/${artifact.id}/audit.txt`;
    expect((await fetch(url, { headers: { cookie: cookies.get("vera") ?? "" } })).status).toBe(200);
    const stranger = await signIn(server.url, "stranger");
    expect((await fetch(url, { headers: { cookie: stranger } })).status).toBe(404);

    const downloads = await events({ action: "downloadArtifact" });
    expect(downloads.edges.map((edge) => [edge.node.actorLogin, edge.node.outcome])).toEqual([
      ["stranger", "FAILURE"],
      ["vera", "SUCCESS"],
    ]);
  });

  it("pages and filters the trail, and shows it to owners and maintainers only", async () => {
    const failures = await events({ outcome: "FAILURE" });
    expect(failures.edges.every((edge) => edge.node.outcome === "FAILURE")).toBe(true);
    const first = await events({}, 2);
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await events({}, 2, first.pageInfo.endCursor ?? undefined);
    expect(second.edges).toHaveLength(2);
    expect(second.edges[0]).not.toEqual(first.edges[0]);
    expect(second.totalCount).toBe(first.totalCount);

    const asViewer = await as(
      "vera",
      "query ($p: ID!) { auditEvents(projectId: $p) { totalCount } }",
      { p: projectId },
    );
    expect(asViewer.errors?.[0]?.message).toBe(
      "Your role in this project (VIEWER) does not allow reading the audit trail.",
    );
  });

  it("cannot be changed or deleted, even by the server's own database connection", async () => {
    const any = await server.db.auditEvent.findFirstOrThrow({ where: { projectId } });
    await expect(
      server.db.auditEvent.update({ where: { id: any.id }, data: { action: "nothing" } }),
    ).rejects.toThrow(/AuditEvent is append-only: UPDATE is not allowed/);
    await expect(server.db.auditEvent.deleteMany({ where: { projectId } })).rejects.toThrow(
      /AuditEvent is append-only: DELETE is not allowed/,
    );
  });
});
