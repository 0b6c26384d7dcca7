// Share links against the real server and database: made by members who may share, used
// without an account, stopped by expiry, download cap or revocation, stored hashed, audited.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  graphql,
  signIn,
  startTestServer,
  testBuildOptions,
  type TestServer,
} from "./start-test-server.ts";

const BYTES = Buffer.from("a shared image\n");

describe("share links", () => {
  let server: TestServer;
  const cookies = new Map<string, string>();
  let artifactId: string;

  async function as<T>(login: string, query: string, variables?: Record<string, unknown>) {
    const cookie = cookies.get(login) ?? (await signIn(server.url, login));
    cookies.set(login, cookie);
    return (await graphql<T>(server.url, query, variables, { cookie })).body;
  }

  async function share(login: string, input: Record<string, unknown> = {}) {
    return as<{
      createShareLink: {
        path: string;
        shareLink: { id: string; expiresAt: string; maxDownloads: number | null };
      };
    }>(
      login,
      "mutation ($input: CreateShareLinkInput!) { createShareLink(input: $input) { path shareLink { id expiresAt maxDownloads } } }",
      { input: { artifactId, ...input } },
    );
  }

  async function link(input: Record<string, unknown> = {}) {
    const answer = await share("sharer", input);
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data.createShareLink;
  }

  /** An anonymous download: no cookie, no token. */
  const download = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers });

  beforeAll(async () => {
    const builds = await testBuildOptions();
    server = await startTestServer({
      builds,
      auth: { mode: "dev" },
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, signInsPerMinute: 0 },
    });
    const project = await as<{ createProject: { project: { id: string } } }>(
      "sharer",
      'mutation { createProject(input: { name: "Shared" }) { project { id } } }',
    );
    const projectId = project.data?.createProject.project.id ?? "";
    await as(
      "sharer",
      'mutation ($p: ID!) { inviteMember(input: { projectId: $p, login: "viv", role: VIEWER }) { membership { role } } }',
      { p: projectId },
    );
    const board = await as<{ createBoard: { board: { id: string } } }>(
      "sharer",
      'mutation ($p: ID!) { createBoard(input: { projectId: $p, name: "b", catalogueBoardId: "qemu-arm64" }) { board { id } } }',
      { p: projectId },
    );
    const version = await as<{ saveVersion: { version: { id: string } } }>(
      "sharer",
      "mutation ($b: ID!) { saveVersion(input: { boardId: $b }) { version { id } } }",
      { b: board.data?.createBoard.board.id },
    );
    const build = await as<{ startBuild: { build: { id: string } } }>(
      "sharer",
      'mutation ($v: ID!) { startBuild(input: { versionId: $v, recipe: "shell-test" }) { build { id } } }',
      { v: version.data?.saveVersion.version.id },
    );
    const buildId = build.data?.startBuild.build.id ?? "";
    const storageKey = `builds/${buildId}/image.img`;
    await builds.store.put(storageKey, Readable.from([BYTES]));
    const artifact = await server.db.artifact.create({
      data: {
        buildId,
        kind: "IMAGE",
        name: "image.img",
        size: BigInt(BYTES.length),
        sha256: createHash("sha256").update(BYTES).digest("hex"),
        storageKey,
      },
    });
    artifactId = artifact.id;
  });
  afterAll(() => server?.close());

  it("lets anyone with the link download the artifact, without an account", async () => {
    const { path, shareLink } = await link();
    expect(path).toMatch(/^\/share\/[A-Za-z0-9_-]{43}$/);
    // 72 hours unless asked otherwise, no cap.
    expect(Math.round((new Date(shareLink.expiresAt).getTime() - Date.now()) / 3_600_000)).toBe(72);
    expect(shareLink.maxDownloads).toBeNull();
    const response = await download(path);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(BYTES);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("content-disposition")).toContain("image.img");

    // Only the token's hash is stored.
    const token = path.slice("/share/".length);
    const row = await server.db.shareLink.findUniqueOrThrow({ where: { id: shareLink.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(row.downloadCount).toBe(1);
  });

  it("stops at the download cap, even when downloads arrive at once", async () => {
    const { path } = await link({ maxDownloads: 2 });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () => download(path).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    expect(statuses.filter((status) => status === 404)).toHaveLength(4);
    const refused = await download(path);
    expect(await refused.text()).toBe("This link is unknown, expired, revoked or used up.\n");
  });

  it("serves the rest of a download in ranges without counting it again", async () => {
    const { path, shareLink } = await link({ maxDownloads: 1 });
    const head = await download(path, { range: "bytes=0-3" });
    expect(head.status).toBe(206);
    const rest = await download(path, { range: "bytes=4-" });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer())).toEqual(BYTES.subarray(4));
    const row = await server.db.shareLink.findUniqueOrThrow({ where: { id: shareLink.id } });
    expect(row.downloadCount).toBe(1);
    expect((await download(path)).status).toBe(404);
  });

  it("stops after expiry and after revocation, with the same answer as an unknown link", async () => {
    const expiring = await link({ expiresInHours: 1 });
    await server.db.shareLink.update({
      where: { id: expiring.shareLink.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const revoked = await link();
    expect((await download(revoked.path)).status).toBe(200);
    const revoke = await as<{ revokeShareLink: { shareLink: { revokedAt: string } } }>(
      "sharer",
      "mutation ($id: ID!) { revokeShareLink(input: { shareLinkId: $id }) { shareLink { revokedAt } } }",
      { id: revoked.shareLink.id },
    );
    expect(revoke.data?.revokeShareLink.shareLink.revokedAt).toEqual(expect.any(String));
    const answers = new Set<string>();
    for (const path of [expiring.path, revoked.path, `/share/${"A".repeat(43)}`, "/share/short"]) {
      const response = await download(path);
      expect(response.status, path).toBe(404);
      answers.add(await response.text());
    }
    expect(answers.size).toBe(1);
  });

  it("is made only by members who may share, with clear limits", async () => {
    const byViewer = await share("viv");
    expect(byViewer.errors?.[0]?.message).toBe(
      "Your role in this project (VIEWER) does not allow sharing artifacts.",
    );
    const byStranger = await share("stranger");
    expect(byStranger.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await share("sharer", { expiresInHours: 721 })).errors?.[0]?.message).toBe(
      "A share link expires after 1 to 720 hours; got 721.",
    );
    expect((await share("sharer", { maxDownloads: 0 })).errors?.[0]?.extensions?.code).toBe(
      "BAD_USER_INPUT",
    );
    const listed = await as<{ shareLinks: { id: string }[] }>(
      "sharer",
      "query ($a: ID!) { shareLinks(artifactId: $a) { id downloadCount } }",
      { a: artifactId },
    );
    expect(listed.data?.shareLinks.length).toBeGreaterThanOrEqual(4);
  });

  it("puts every download through a link in the project's audit trail", async () => {
    const { path, shareLink } = await link();
    await download(path, { "user-agent": "curl/8.5.0" });
    const event = await server.db.auditEvent.findFirstOrThrow({
      where: { action: "downloadShared", targetId: shareLink.id },
    });
    expect(event).toMatchObject({
      actorId: null,
      outcome: "SUCCESS",
      targetType: "ShareLink",
      userAgent: "curl/8.5.0",
      data: { artifactId, download: 1 },
    });
    expect(event.projectId).not.toBeNull();
    const created = await server.db.auditEvent.findFirstOrThrow({
      where: { action: "createShareLink", outcome: "SUCCESS" },
    });
    expect(created.projectId).toBe(event.projectId);
  });
});
