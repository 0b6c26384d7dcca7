// Project files against the real server, database and file-system storage: uploaded over HTTP
// (streamed, hashed, versioned, bounded, audited), refused to those who may not, and served back
// to members.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createFileObjectStore } from "@bbos/artifacts";

import { uploadFile } from "./project-file-client.ts";
import {
  graphql,
  signIn,
  startTestServer,
  testBuildOptions,
  type TestServer,
} from "./start-test-server.ts";

/** The limit of the test server: small, so the oversized cases cost nothing. */
const MAX_BYTES = 64 * 1024;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A body sent chunked (no Content-Length), `chunks` pieces of `chunkBytes` random bytes. */
function chunkedBody(chunks: number, chunkBytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent += 1;
      controller.enqueue(randomBytes(chunkBytes));
    },
  });
}

describe("project files", () => {
  let server: TestServer;
  let storeRoot: string;
  const cookies = new Map<string, string>();
  let projectId: string;

  async function as<T>(login: string, query: string, variables?: Record<string, unknown>) {
    const cookie = cookies.get(login) ?? (await signIn(server.url, login));
    cookies.set(login, cookie);
    const { body } = await graphql<T>(server.url, query, variables, { cookie });
    return body;
  }

  async function cookieOf(login: string): Promise<string> {
    await as(login, "{ me { id } }");
    return cookies.get(login) ?? "";
  }

  const upload = async (
    login: string | null,
    path: string,
    body: Parameters<typeof uploadFile>[3],
    options: Parameters<typeof uploadFile>[4] = {},
  ) =>
    uploadFile(server.url, projectId, path, body, {
      ...(login === null ? {} : { cookie: await cookieOf(login) }),
      ...options,
    });

  /** Every object under the project's files prefix, and every version row of the project. */
  async function stored() {
    const objects = await readdir(join(storeRoot, "files", projectId)).catch(() => []);
    const versions = await server.db.fileVersion.count({ where: { file: { projectId } } });
    return { objects: objects.length, versions };
  }

  async function token(login: string, scopes: string[]): Promise<string> {
    const answer = await as<{ createApiToken: { secret: string } }>(
      login,
      "mutation ($n: String!, $s: [ApiTokenScope!]!) { createApiToken(input: { name: $n, scopes: $s }) { secret } }",
      { n: `files ${scopes.join(" ")}`, s: scopes },
    );
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data.createApiToken.secret;
  }

  beforeAll(async () => {
    storeRoot = await mkdtemp(join(tmpdir(), "bbos-files-"));
    server = await startTestServer({
      auth: { mode: "dev" },
      builds: { ...(await testBuildOptions()), store: createFileObjectStore({ root: storeRoot }) },
      maxProjectFileBytes: MAX_BYTES,
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, signInsPerMinute: 0 },
    });
    const created = await as<{ createProject: { project: { id: string } } }>(
      "olga",
      'mutation { createProject(input: { name: "Files" }) { project { id } } }',
    );
    projectId = created.data?.createProject.project.id ?? "";
    for (const [login, role] of [
      ["eddie", "EDITOR"],
      ["vera", "VIEWER"],
    ] as const) {
      await as(
        "olga",
        "mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { membership { role } } }",
        { input: { projectId, login, role } },
      );
    }
  });
  afterAll(() => server?.close());

  describe("upload", () => {
    it("stores a new path as version 1 with its size and SHA-256, and serves it back", async () => {
      const bytes = randomBytes(10_000);
      const { status, body } = await upload("eddie", "overlays/etc/motd", bytes);
      expect(status).toBe(201);
      expect(body.file).toMatchObject({
        path: "overlays/etc/motd",
        latestVersion: { number: 1, size: bytes.length, sha256: sha256(bytes) },
      });
      const version = body.file?.latestVersion;
      const row = await server.db.fileVersion.findUniqueOrThrow({ where: { id: version?.id } });
      expect(row).toMatchObject({ size: bytes.length, sha256: sha256(bytes), number: 1 });
      expect(row.storageKey).toBe(`files/${projectId}/${version?.id}`);

      // Members read it, viewers too; the answer is the bytes, named after the path.
      const download = await fetch(`${server.url}${version?.downloadPath}`, {
        headers: { cookie: await cookieOf("vera") },
      });
      expect(download.status).toBe(200);
      expect(download.headers.get("content-disposition")).toBe('attachment; filename="motd"');
      expect(download.headers.get("etag")).toBe(`"${sha256(bytes)}"`);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
      const head = await fetch(`${server.url}${version?.downloadPath}`, {
        method: "HEAD",
        headers: { authorization: `Bearer ${await token("vera", ["READ"])}` },
      });
      expect([head.status, head.headers.get("content-length")]).toEqual([200, "10000"]);
    });

    it("makes each upload of an existing path its next version, keeping the earlier ones", async () => {
      const first = await upload("eddie", "scripts/customize.sh", "#!/bin/sh\necho one\n");
      const second = await upload("olga", "scripts/customize.sh", "#!/bin/sh\necho two\n");
      expect(second.status).toBe(201);
      expect(second.body.file?.id).toBe(first.body.file?.id);
      expect(second.body.file?.latestVersion).toMatchObject({
        number: 2,
        sha256: sha256(Buffer.from("#!/bin/sh\necho two\n")),
      });
      const earlier = await fetch(`${server.url}${first.body.file?.latestVersion.downloadPath}`, {
        headers: { cookie: await cookieOf("eddie") },
      });
      expect(await earlier.text()).toBe("#!/bin/sh\necho one\n");
    });

    it("gives concurrent uploads of one path consecutive numbers", async () => {
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) => upload("eddie", "race.txt", `upload ${n}`)),
      );
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201]);
      const numbers = answers.map((answer) => answer.body.file?.latestVersion.number);
      expect(numbers.sort()).toEqual([1, 2, 3, 4]);
    });

    it("stores an empty file", async () => {
      const { status, body } = await upload("eddie", "empty", new Uint8Array());
      expect(status).toBe(201);
      expect(body.file?.latestVersion).toMatchObject({ size: 0, sha256: sha256(new Uint8Array()) });
    });

    it("refuses a body announced over the limit with 413, storing nothing", async () => {
      const before = await stored();
      const { status, body } = await upload("eddie", "big.bin", randomBytes(MAX_BYTES + 1));
      expect(status).toBe(413);
      expect(body.errors?.[0]).toMatchObject({
        message: `A project file is at most ${MAX_BYTES} bytes; nothing was stored.`,
        extensions: { code: "PAYLOAD_TOO_LARGE", details: { maxBytes: MAX_BYTES } },
      });
      expect(await stored()).toEqual(before);
    });

    it("refuses a chunked body that grows over the limit with 413, storing nothing", async () => {
      const before = await stored();
      // 4 × 32 KiB: over the 64 KiB limit in the third chunk, with no size announced.
      const { status, body } = await upload("eddie", "big-stream.bin", chunkedBody(4, 32 * 1024));
      expect(status).toBe(413);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      expect(await stored()).toEqual(before);
      expect(await server.db.projectFile.count({ where: { path: "big-stream.bin" } })).toBe(0);
      // A body exactly at the limit is fine.
      expect((await upload("eddie", "at-limit.bin", chunkedBody(2, 32 * 1024))).status).toBe(201);
    });

    it.each([
      ["", "is required, once"],
      ["/etc/motd", 'is relative to the project (no leading "/")'],
      ["overlays/../../etc/passwd", 'has no "." or ".." segments'],
      ["./motd", 'has no "." or ".." segments'],
      ["a//b", 'has no empty segments (no "//" and no trailing "/")'],
      ["dir/", 'has no empty segments (no "//" and no trailing "/")'],
      ["nul\u0000byte", "has no control characters or backslashes"],
      ["line\nbreak", "has no control characters or backslashes"],
      ["windows\\path", "has no control characters or backslashes"],
      ["x".repeat(513), "has at most 512 characters (got 513)"],
      [`dir/${"x".repeat(256)}`, "has segments of at most 255 characters"],
    ])("refuses the path %j with 400, storing nothing", async (path, rule) => {
      const before = await stored();
      const { status, body } = await upload("eddie", path, "content");
      expect(status).toBe(400);
      expect(body.errors?.[0]).toMatchObject({
        message: `A project file path ${rule}.`,
        extensions: { code: "BAD_USER_INPUT", details: { field: "path" } },
      });
      expect(await stored()).toEqual(before);
    });

    it("refuses a path given twice", async () => {
      const response = await fetch(`${server.url}/projects/${projectId}/files?path=a&path=b`, {
        method: "PUT",
        headers: { cookie: await cookieOf("eddie"), "content-type": "application/octet-stream" },
        body: "x",
      });
      expect(response.status).toBe(400);
    });

    it("refuses anonymous callers with 401, viewers with 403 and outsiders with 404", async () => {
      const before = await stored();
      const anonymous = await upload(null, "anon.txt", "x");
      const viewer = await upload("vera", "viewer.txt", "x");
      const outsider = await upload("oscar", "outsider.txt", "x");
      expect([anonymous.status, viewer.status, outsider.status]).toEqual([401, 403, 404]);
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(viewer.body.errors?.[0]).toMatchObject({
        message: "Your role in this project (VIEWER) does not allow creating or changing boards.",
        extensions: { code: "FORBIDDEN" },
      });
      expect(outsider.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      // Credentials that are no longer (or never were) valid are refused, not taken as anonymous.
      const stale = await uploadFile(server.url, projectId, "stale.txt", "x", {
        cookie: "bbos_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      });
      expect([stale.status, stale.body.errors?.[0]?.message]).toEqual([
        401,
        "Your session has ended; sign in again.",
      ]);
      const forged = await uploadFile(server.url, projectId, "forged.txt", "x", {
        token: `bbos_${"A".repeat(43)}`,
      });
      expect(forged.status).toBe(401);
      const unknown = await uploadFile(server.url, "not-a-project", "x", "x", {
        cookie: await cookieOf("eddie"),
      });
      expect(unknown.status).toBe(404);
      expect(await stored()).toEqual(before);
    });

    it("accepts an API token with the ADMIN scope, and refuses one with READ", async () => {
      const admin = await upload(null, "ci/admin.txt", "from CI", {
        token: await token("eddie", ["ADMIN"]),
        // A script need not name a type: a token is no ambient credential.
        contentType: null,
      });
      expect(admin.status).toBe(201);
      const read = await upload(null, "ci/read.txt", "from CI", {
        token: await token("eddie", ["READ"]),
      });
      expect(read.status).toBe(403);
      expect(read.body.errors?.[0]?.message).toMatch(
        /do not allow uploading project files; it needs ADMIN/,
      );
    });

    it("refuses a cookie-authenticated upload a cross-site form could send", async () => {
      const before = await stored();
      for (const contentType of [null, "text/plain", "multipart/form-data; boundary=x"]) {
        const { status, body } = await upload("eddie", "csrf.txt", "x", { contentType });
        expect(status).toBe(400);
        expect(body.errors?.[0]?.message).toMatch(/cross-site request forgery/);
      }
      expect(await stored()).toEqual(before);
    });

    it("records each upload, allowed or refused, in the audit trail", async () => {
      const done = await upload("eddie", "audited.txt", "x");
      await upload("vera", "audited.txt", "x");
      const events = await server.db.auditEvent.findMany({
        where: { projectId, action: "uploadProjectFile" },
        orderBy: { id: "desc" },
        take: 2,
      });
      expect(events.map((event) => [event.actorLogin, event.outcome, event.data])).toEqual([
        ["vera", "FAILURE", { code: "FORBIDDEN" }],
        ["eddie", "SUCCESS", { versionId: done.body.file?.latestVersion.id, number: 1, size: 1 }],
      ]);
      expect(events[1]).toMatchObject({ targetType: "ProjectFile", targetId: done.body.file?.id });
    });
  });

  describe("list and delete", () => {
    interface FilesAnswer {
      project: {
        files: {
          totalCount: number;
          edges: {
            node: {
              id: string;
              path: string;
              latestVersion: {
                number: number;
                size: number;
                sha256: string;
                createdAt: string;
                author: { login: string } | null;
                downloadPath: string;
              };
            };
          }[];
        };
      } | null;
    }
    const FILES = `query ($id: ID!) { project(id: $id) { files(first: 100) { totalCount edges { node {
      id path latestVersion { number size sha256 createdAt author { login } downloadPath } } } } } }`;

    it("lists the project's files by path, each with its newest version and its author", async () => {
      await upload("eddie", "list/b.txt", "b1");
      await upload("olga", "list/b.txt", "b22");
      await upload("eddie", "list/a.txt", "a");
      const { data } = await as<FilesAnswer>("vera", FILES, { id: projectId });
      const files = data?.project?.files;
      expect(files?.totalCount).toBe(await server.db.projectFile.count({ where: { projectId } }));
      const paths = files?.edges.map((edge) => edge.node.path) ?? [];
      expect(paths).toEqual([...paths].sort());
      const listed = files?.edges.filter((edge) => edge.node.path.startsWith("list/"));
      expect(listed?.map(({ node }) => [node.path, node.latestVersion])).toEqual([
        ["list/a.txt", expect.objectContaining({ number: 1, size: 1, author: { login: "eddie" } })],
        [
          "list/b.txt",
          expect.objectContaining({
            number: 2,
            size: 3,
            sha256: sha256(Buffer.from("b22")),
            author: { login: "olga" },
            downloadPath: expect.stringMatching(/^\/files\/[0-9a-f-]{36}\/versions\/2$/) as string,
          }),
        ],
      ]);
      // Outsiders see no project at all.
      expect((await as<FilesAnswer>("oscar", FILES, { id: projectId })).data?.project).toBeNull();
    });

    const DELETE =
      "mutation ($id: ID!) { deleteProjectFile(input: { fileId: $id }) { deletedFileId deletedVersionCount } }";

    it("deletes a file with all its versions and their bytes", async () => {
      const first = await upload("eddie", "doomed.txt", "one");
      await upload("eddie", "doomed.txt", "two");
      const fileId = first.body.file?.id ?? "";
      const before = await stored();
      const answer = await as<{ deleteProjectFile: unknown }>("eddie", DELETE, { id: fileId });
      expect(answer).toEqual({
        data: { deleteProjectFile: { deletedFileId: fileId, deletedVersionCount: 2 } },
      });
      expect(await stored()).toEqual({
        objects: before.objects - 2,
        versions: before.versions - 2,
      });
      const { data } = await as<FilesAnswer>("eddie", FILES, { id: projectId });
      expect(data?.project?.files.edges.map((edge) => edge.node.id)).not.toContain(fileId);
      const download = await fetch(`${server.url}${first.body.file?.latestVersion.downloadPath}`, {
        headers: { cookie: await cookieOf("eddie") },
      });
      expect(download.status).toBe(404);
      // The audit trail keeps the deletion under the project the file belonged to.
      const event = await server.db.auditEvent.findFirst({
        where: { action: "deleteProjectFile", targetId: fileId },
      });
      expect(event).toMatchObject({ projectId, outcome: "SUCCESS", actorLogin: "eddie" });
      // Deleting it again finds nothing.
      const again = await as("eddie", DELETE, { id: fileId });
      expect(again.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    });

    it("lets neither viewers nor outsiders delete a file", async () => {
      const { body } = await upload("eddie", "kept.txt", "kept");
      const fileId = body.file?.id ?? "";
      const before = await stored();
      const viewer = await as("vera", DELETE, { id: fileId });
      const outsider = await as("oscar", DELETE, { id: fileId });
      expect(viewer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(outsider.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(await stored()).toEqual(before);
    });
  });

  describe("builds", () => {
    interface StartAnswer {
      startBuild: {
        reused: boolean;
        build: { id: string; cacheKey: string } | null;
        validation: { valid: boolean; issues: { path: string; code: string; message: string }[] };
      };
    }
    const START = `mutation ($v: ID!) { startBuild(input: { versionId: $v, recipe: "shell-test" }) {
      reused build { id cacheKey } validation { valid issues { path code message } } } }`;

    /** A saved version of a new board whose config copies `files`. */
    async function versionWithFiles(files: { fileId: string; path: string }[]): Promise<string> {
      const created = await as<{ createBoard: { board: { id: string } } }>(
        "eddie",
        'mutation ($p: ID!, $n: String!) { createBoard(input: { projectId: $p, name: $n, catalogueBoardId: "qemu-arm64" }) { board { id } } }',
        { p: projectId, n: `defaults ${crypto.randomUUID()}` },
      );
      const board = await as<{ board: { config: Record<string, unknown> } }>(
        "eddie",
        "query ($id: ID!) { board(id: $id) { config } }",
        { id: created.data?.createBoard.board.id },
      );
      const imported = await as<{ importBoard: { board: { id: string } | null } }>(
        "eddie",
        "mutation ($input: ImportBoardInput!) { importBoard(input: $input) { board { id } } }",
        {
          input: {
            projectId,
            name: `with files ${crypto.randomUUID()}`,
            configJson: JSON.stringify({ ...board.data?.board.config, files }),
          },
        },
      );
      const boardId = imported.data?.importBoard.board?.id;
      if (!boardId) throw new Error(`import failed: ${JSON.stringify(imported)}`);
      const saved = await as<{ saveVersion: { version: { id: string } | null } }>(
        "eddie",
        "mutation ($b: ID!) { saveVersion(input: { boardId: $b }) { version { id } } }",
        { b: boardId },
      );
      return saved.data?.saveVersion.version?.id ?? "";
    }

    async function start(versionId: string) {
      const answer = await as<StartAnswer>("eddie", START, { v: versionId });
      if (!answer.data) throw new Error(JSON.stringify(answer.errors));
      return answer.data.startBuild;
    }

    /** What a worker would leave: the build succeeded with its image. */
    async function succeed(buildId: string) {
      await server.db.build.update({
        where: { id: buildId },
        data: { status: "SUCCEEDED", startedAt: new Date(), finishedAt: new Date() },
      });
      await server.db.artifact.create({
        data: {
          buildId,
          kind: "IMAGE",
          name: "image.img",
          size: 1n,
          sha256: "0".repeat(64),
          storageKey: `builds/${buildId}/image.img`,
        },
      });
    }

    const usedVersions = async (buildId: string) =>
      (await server.db.build.findUniqueOrThrow({ where: { id: buildId } })).fileVersionIds;

    it("keys a build on the newest version of each file it copies, so a new upload builds again", async () => {
      const first = await upload("eddie", "overlay/issue", "Welcome 1\n");
      const file = first.body.file;
      if (!file) throw new Error(JSON.stringify(first.body));
      const versionId = await versionWithFiles([{ fileId: file.id, path: "/etc/issue" }]);

      const built = await start(versionId);
      expect(built).toMatchObject({ reused: false, validation: { valid: true } });
      const buildId = built.build?.id ?? "";
      expect(await usedVersions(buildId)).toEqual([file.latestVersion.id]);
      await succeed(buildId);
      // Nothing changed: the same key, and the build is reused.
      expect(await start(versionId)).toMatchObject({
        reused: true,
        build: { id: buildId, cacheKey: built.build?.cacheKey },
      });

      const second = await upload("eddie", "overlay/issue", "Welcome 2\n");
      const rebuilt = await start(versionId);
      expect(rebuilt.reused).toBe(false);
      expect(rebuilt.build?.id).not.toBe(buildId);
      expect(rebuilt.build?.cacheKey).not.toBe(built.build?.cacheKey);
      expect(await usedVersions(rebuilt.build?.id ?? "")).toEqual([
        second.body.file?.latestVersion.id,
      ]);

      // A retry repeats the build it retries: the versions that build copied.
      const retried = await as<{ retryBuild: { build: { id: string } } }>(
        "eddie",
        "mutation ($id: ID!) { retryBuild(input: { buildId: $id }) { build { id } } }",
        { id: buildId },
      );
      expect(await usedVersions(retried.data?.retryBuild.build.id ?? "")).toEqual([
        file.latestVersion.id,
      ]);

      // While those builds are queued, the file they copy stays.
      const DELETE =
        "mutation ($id: ID!) { deleteProjectFile(input: { fileId: $id }) { deletedFileId } }";
      const refused = await as("eddie", DELETE, { id: file.id });
      expect(refused.errors?.[0]).toMatchObject({
        message:
          '"overlay/issue" is used by 2 queued or running builds; cancel them or wait for them to end, then delete it.',
        extensions: { code: "CONFLICT" },
      });
      for (const id of [rebuilt.build?.id, retried.data?.retryBuild.build.id]) {
        await as(
          "eddie",
          "mutation ($id: ID!) { cancelBuild(input: { buildId: $id }) { build { id } } }",
          { id },
        );
      }
      expect((await as("eddie", DELETE, { id: file.id })).errors).toBeUndefined();
    });

    it("starts nothing for a config naming a file its project does not have, saying which entry", async () => {
      const own = await upload("eddie", "overlay/known", "known");
      const other = await as<{ createProject: { project: { id: string } } }>(
        "eddie",
        'mutation { createProject(input: { name: "Elsewhere" }) { project { id } } }',
      );
      const foreign = await uploadFile(
        server.url,
        other.data?.createProject.project.id ?? "",
        "overlay/foreign",
        "foreign",
        { cookie: await cookieOf("eddie") },
      );
      const deleted = crypto.randomUUID();
      const versionId = await versionWithFiles([
        { fileId: deleted, path: "/etc/a" },
        { fileId: own.body.file?.id ?? "", path: "/etc/b" },
        { fileId: "made-up", path: "/etc/c" },
        { fileId: foreign.body.file?.id ?? "", path: "/etc/d" },
      ]);
      const builds = await server.db.build.count();
      const answer = await start(versionId);
      expect(answer.build).toBeNull();
      expect(answer.validation.valid).toBe(false);
      expect(answer.validation.issues.filter((issue) => issue.code === "FILE_UNKNOWN")).toEqual([
        {
          path: "/files/0/fileId",
          code: "FILE_UNKNOWN",
          message: `Extra file 1 names "${deleted}", which is no file of this project; upload the file and choose it again.`,
        },
        expect.objectContaining({ path: "/files/2/fileId" }),
        expect.objectContaining({ path: "/files/3/fileId" }),
      ]);
      expect(await server.db.build.count()).toBe(builds);
    });
  });

  describe("download", () => {
    it("hides a file from outsiders and anonymous callers, and unknown versions from all", async () => {
      const { body } = await upload("eddie", "private.txt", "members only");
      const path = body.file?.latestVersion.downloadPath ?? "";
      const status = async (target: string, login: string | null) =>
        (
          await fetch(`${server.url}${target}`, {
            headers: login === null ? {} : { cookie: await cookieOf(login) },
          })
        ).status;
      expect(await status(path, null)).toBe(401);
      expect(await status(path, "oscar")).toBe(404);
      expect(await status(path.replace(/\/1$/, "/2"), "eddie")).toBe(404);
      expect(await status(path.replace(/\/1$/, "/x"), "eddie")).toBe(404);
      expect(
        await status(path.replace(/files\/[^/]+/, `files/${crypto.randomUUID()}`), "eddie"),
      ).toBe(404);
      expect(await status(path.replace(/files\/[^/]+/, "files/not-an-id"), "eddie")).toBe(404);
    });
  });
});
