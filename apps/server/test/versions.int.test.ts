// Config versions over GraphQL against the real server, PostgreSQL and y-websocket clients:
// save (canonical JSON, content hash, dedup by content, validation), list, diff, restore into a
// live document, concurrent saves, and who may do which.
import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import { canonicalJson, type BoardId, type ProjectId } from "@bbos/core";
import {
  addMember,
  createConfigVersion,
  createProject,
  readBoardLog,
  upsertGithubUser,
  type UserRow,
} from "@bbos/db";

import { documentFromStore } from "../src/collab/stored-document.ts";
import {
  connectBoard,
  hostnameOf,
  setHostname,
  waitForDoc,
  type BoardClient,
} from "./collab-clients.ts";
import { graphql, startTestServer, type TestServer } from "./start-test-server.ts";

type Config = Record<string, unknown> & { system: { hostname: string } };

interface VersionJson {
  id: string;
  number: number;
  schemaId: string;
  contentHash: string;
  message: string;
  author: { id: string; login: string } | null;
  createdAt: string;
  config: Config;
}

interface SavePayload {
  version: VersionJson | null;
  created: boolean;
  validation: { valid: boolean; issues: { path: string; code: string; severity: string }[] };
}

interface VersionPage {
  totalCount: number;
  edges: { cursor: string; node: { id: string; number: number } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

interface DiffJson {
  from: { id: string; number: number };
  to: { id: string; number: number };
  changes: { kind: string; path: string; oldValue: unknown; newValue: unknown }[];
}

const VERSION_FIELDS = `
  id number schemaId contentHash message createdAt config
  author { id login }
`;
const SAVE = `
  mutation ($input: SaveVersionInput!) {
    saveVersion(input: $input) {
      version { ${VERSION_FIELDS} }
      created
      validation { valid issues { path code severity } }
    }
  }
`;
const RESTORE = `
  mutation ($input: RestoreVersionInput!) {
    restoreVersion(input: $input) { board { id config } }
  }
`;
const VERSIONS = `
  query ($boardId: ID!, $first: Int, $after: String) {
    versions(boardId: $boardId, first: $first, after: $after) {
      totalCount
      edges { cursor node { id number } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`;
const DIFF = `
  query ($a: ID!, $b: ID!) {
    diffVersions(a: $a, b: $b) {
      from { id number }
      to { id number }
      changes { kind path oldValue newValue }
    }
  }
`;
const CREATE_BOARD = `
  mutation ($input: CreateBoardInput!) { createBoard(input: $input) { board { id config } } }
`;
const BOARD_CONFIG = `query ($id: ID!) { board(id: $id) { config } }`;
const ARCHIVE = `mutation ($input: ArchiveBoardInput!) { archiveBoard(input: $input) { board { id } } }`;
const UNARCHIVE = `mutation ($input: RestoreBoardInput!) { restoreBoard(input: $input) { board { id } } }`;

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;

function codeOf(errors: Errors): unknown {
  expect(errors).toHaveLength(1);
  return errors?.[0]?.extensions?.["code"];
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("config versions", () => {
  let server: TestServer;
  let projectId: ProjectId;
  let boardCount = 0;

  beforeAll(async () => {
    server = await startTestServer();
    const project = await createProject(server.db, {
      slug: "versions",
      name: "Versions",
      ownerId: server.viewer.id,
    });
    projectId = project.id;
  });
  afterAll(() => server?.close());

  /** A new board of the project, valid out of the box (the catalogue's defaults). */
  async function createBoard(): Promise<{ id: BoardId; config: Config }> {
    const { body } = await graphql<{ createBoard: { board: { id: BoardId; config: Config } } }>(
      server.url,
      CREATE_BOARD,
      { input: { projectId, name: `board ${++boardCount}`, catalogueBoardId: "qemu-arm64" } },
    );
    const board = body.data?.createBoard.board;
    if (!board) throw new Error(`createBoard failed: ${JSON.stringify(body)}`);
    return board;
  }

  async function save(boardId: string, message?: string, url = server.url) {
    return graphql<{ saveVersion: SavePayload }>(url, SAVE, { input: { boardId, message } });
  }

  /** Saves and expects a version back. */
  async function saved(boardId: string, message?: string): Promise<SavePayload> {
    const { body } = await save(boardId, message);
    expect(body.errors).toBeUndefined();
    const payload = body.data?.saveVersion;
    if (!payload?.version) throw new Error(`saveVersion saved nothing: ${JSON.stringify(body)}`);
    return payload;
  }

  async function boardConfig(boardId: string): Promise<Config | undefined> {
    const { body } = await graphql<{ board: { config: Config } | null }>(server.url, BOARD_CONFIG, {
      id: boardId,
    });
    return body.data?.board?.config;
  }

  /** Edits the hostname through a live client and waits until the server has stored it. */
  async function editHostname(client: BoardClient, boardId: string, hostname: string) {
    setHostname(client.doc, hostname);
    // vi.waitFor rather than expect.poll: fixtures in beforeAll edit too.
    await vi.waitFor(async () => {
      expect((await boardConfig(boardId))?.system.hostname).toBe(hostname);
    });
  }

  async function versions(boardId: string, page: { first?: number; after?: string } = {}) {
    return graphql<{ versions: VersionPage }>(server.url, VERSIONS, { boardId, ...page });
  }

  /** A board with version 1 (its initial config) and version 2 (hostname `second`). */
  async function boardWithTwoVersions() {
    const board = await createBoard();
    const v1 = (await saved(board.id, "first")).version as VersionJson;
    const client = connectBoard(server.url, board.id);
    await client.synced;
    await editHostname(client, board.id, "second");
    const v2 = (await saved(board.id, "second")).version as VersionJson;
    return { board, v1, v2, client };
  }

  it("saves version 1 with the SHA-256 of the config's canonical JSON, its author and the state vector", async () => {
    const board = await createBoard();
    const payload = await saved(board.id, "  initial import \n");
    const version = payload.version as VersionJson;
    expect(payload.created).toBe(true);
    expect(payload.validation.valid).toBe(true);
    expect(version).toMatchObject({
      number: 1,
      schemaId: "board-config/3",
      message: "initial import",
      author: { id: server.viewer.id, login: "tester" },
      config: board.config,
    });
    // Recomputed here, with node:crypto rather than the core's hash.
    expect(version.contentHash).toBe(sha256(canonicalJson(board.config)));
    expect(sha256(canonicalJson(version.config))).toBe(version.contentHash);
    expect(Date.parse(version.createdAt)).not.toBeNaN();

    const row = await server.db.configVersion.findUnique({
      where: { id: version.id },
      select: { stateVector: true, authorId: true },
    });
    const log = await readBoardLog(server.db, board.id);
    if (!log) throw new Error("board missing");
    const doc = documentFromStore(log);
    expect(row?.stateVector).toEqual(Y.encodeStateVector(doc));
    expect(readConfig(doc)).toEqual(board.config);
    doc.destroy();
  });

  it("returns the existing version, created false, when the content has not changed", async () => {
    const board = await createBoard();
    const first = (await saved(board.id, "once")).version as VersionJson;
    const again = await saved(board.id, "twice");
    expect(again.created).toBe(false);
    expect(again.version).toEqual(first);
    expect((await versions(board.id)).body.data?.versions.totalCount).toBe(1);
  });

  it("saves version 2 after a live edit, and diffVersions lists the change", async () => {
    const { v1, v2, client } = await boardWithTwoVersions();
    using _client = client;
    expect(v2).toMatchObject({ number: 2, message: "second" });
    expect(v2.contentHash).not.toBe(v1.contentHash);
    expect(v2.config.system.hostname).toBe("second");

    const { body } = await graphql<{ diffVersions: DiffJson | null }>(server.url, DIFF, {
      a: v1.id,
      b: v2.id,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.diffVersions).toEqual({
      from: { id: v1.id, number: 1 },
      to: { id: v2.id, number: 2 },
      changes: [
        {
          kind: "CHANGED",
          path: "/system/hostname",
          oldValue: v1.config.system.hostname,
          newValue: "second",
        },
      ],
    });
    const reverse = await graphql<{ diffVersions: DiffJson | null }>(server.url, DIFF, {
      a: v2.id,
      b: v1.id,
    });
    expect(reverse.body.data?.diffVersions?.changes).toEqual([
      expect.objectContaining({ oldValue: "second", newValue: v1.config.system.hostname }),
    ]);
    const same = await graphql<{ diffVersions: DiffJson | null }>(server.url, DIFF, {
      a: v1.id,
      b: v1.id,
    });
    expect(same.body.data?.diffVersions?.changes).toEqual([]);
  });

  it("saves nothing for an invalid config and says why", async () => {
    const { board, client } = await boardWithTwoVersions();
    using _client = client;
    await editHostname(client, board.id, "not a hostname!");
    const { body } = await save(board.id, "broken");
    expect(body.errors).toBeUndefined();
    expect(body.data?.saveVersion).toMatchObject({
      version: null,
      created: false,
      validation: { valid: false },
    });
    expect(body.data?.saveVersion.validation.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/system/hostname", severity: "ERROR" }),
      ]),
    );
    expect((await versions(board.id)).body.data?.versions.totalCount).toBe(2);
  });

  it("pages a board's versions newest first", async () => {
    const { board, v1, v2, client } = await boardWithTwoVersions();
    using _client = client;
    await editHostname(client, board.id, "third");
    const v3 = (await saved(board.id)).version as VersionJson;
    expect(v3).toMatchObject({ number: 3, message: "" });

    const first = (await versions(board.id, { first: 2 })).body.data?.versions;
    expect(first?.totalCount).toBe(3);
    expect(first?.edges.map((edge) => edge.node)).toEqual([
      { id: v3.id, number: 3 },
      { id: v2.id, number: 2 },
    ]);
    expect(first?.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const after = first?.pageInfo.endCursor ?? "";
    const rest = (await versions(board.id, { first: 2, after })).body.data?.versions;
    expect(rest?.edges.map((edge) => edge.node)).toEqual([{ id: v1.id, number: 1 }]);
    expect(rest?.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const tooMany = await versions(board.id, { first: 101 });
    expect(codeOf(tooMany.body.errors)).toBe("BAD_USER_INPUT");
  });

  it("restores version 1 into the live document as an ordinary change that a client receives", async () => {
    const { board, v1, client } = await boardWithTwoVersions();
    using _client = client;
    const system = configRoot(client.doc).get("system");
    let updates = 0;
    client.doc.on("update", () => updates++);

    const { body } = await graphql<{ restoreVersion: { board: { id: string; config: Config } } }>(
      server.url,
      RESTORE,
      { input: { versionId: v1.id } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.restoreVersion.board).toEqual({ id: board.id, config: v1.config });

    await waitForDoc(client.doc, (doc) => hostnameOf(doc) === v1.config.system.hostname);
    expect(readConfig(client.doc)).toEqual(v1.config);
    expect(updates).toBeGreaterThan(0);
    // Only the difference was written: the client's maps are the ones it had, not a new document.
    expect(configRoot(client.doc).get("system")).toBe(system);
    expect(await boardConfig(board.id)).toEqual(v1.config);

    // The restored content is version 1's content, so saving it finds version 1.
    const again = await saved(board.id);
    expect(again).toMatchObject({ created: false, version: { id: v1.id, number: 1 } });
  });

  it("gives two saves of different content that run at once the numbers 1 and 2", async () => {
    const board = await createBoard();
    using client = connectBoard(server.url, board.id);
    await client.synced;

    // Hold the board row's lock, so both saves read their content and then wait on it together.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = server.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "Board" WHERE "id" = ${board.id}::uuid FOR NO KEY UPDATE`;
        locked();
        await released;
      },
      { timeout: 30_000 },
    );
    await isLocked;
    const waiting = async () => {
      const [row] = await server.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      return row?.n ?? 0;
    };

    const first = save(board.id, "before the edit");
    await expect.poll(waiting).toBe(1);
    await editHostname(client, board.id, "edited-meanwhile");
    const second = save(board.id, "after the edit");
    await expect.poll(waiting).toBe(2);
    release();
    await holder;

    const answers = await Promise.all([first, second]);
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    const [a, b] = answers.map((answer) => answer.body.data?.saveVersion);
    expect([a?.created, b?.created]).toEqual([true, true]);
    expect([a?.version?.number, b?.version?.number].sort()).toEqual([1, 2]);
    expect(a?.version?.contentHash).not.toBe(b?.version?.contentHash);
    expect(b?.version?.config.system.hostname).toBe("edited-meanwhile");
  });

  it("saves versions of an archived board but restores into it only once the board is restored", async () => {
    const { board, v1, client } = await boardWithTwoVersions();
    client[Symbol.dispose]();
    await graphql(server.url, ARCHIVE, { input: { boardId: board.id } });

    expect((await saved(board.id)).created).toBe(false);
    const refused = await graphql(server.url, RESTORE, { input: { versionId: v1.id } });
    expect(codeOf(refused.body.errors)).toBe("CONFLICT");
    expect(refused.body.errors?.[0]?.message).toMatch(/is archived; restore the board first/);
    expect((await boardConfig(board.id))?.system.hostname).toBe("second");

    await graphql(server.url, UNARCHIVE, { input: { boardId: board.id } });
    const restored = await graphql(server.url, RESTORE, { input: { versionId: v1.id } });
    expect(restored.body.errors).toBeUndefined();
    expect(await boardConfig(board.id)).toEqual(v1.config);
  });

  it("refuses to restore a version saved on another schema than the board's", async () => {
    const board = await createBoard();
    // As if saved before the board was upgraded from board-config/1.
    const old = await createConfigVersion(server.db, {
      boardId: board.id,
      schemaId: "board-config/1",
      config: { ...board.config, image: { sizeMiB: 4096 } },
      contentHash: sha256("old"),
      message: "",
      authorId: server.viewer.id,
      stateVector: null,
    });
    const { body } = await graphql(server.url, RESTORE, {
      input: { versionId: old?.version.id },
    });
    expect(codeOf(body.errors)).toBe("CONFLICT");
    expect(body.errors?.[0]?.message).toMatch(
      /saved on board-config\/1 and the board is on board-config\/3/,
    );
    expect(await boardConfig(board.id)).toEqual(board.config);
  });

  it("refuses a message over 500 characters, and diffs of versions of two boards", async () => {
    const board = await createBoard();
    const long = await save(board.id, "x".repeat(501));
    expect(codeOf(long.body.errors)).toBe("BAD_USER_INPUT");
    const control = await save(board.id, "bell\u0007");
    expect(codeOf(control.body.errors)).toBe("BAD_USER_INPUT");
    expect((await versions(board.id)).body.data?.versions.totalCount).toBe(0);

    const a = (await saved(board.id)).version as VersionJson;
    const other = await createBoard();
    const b = (await saved(other.id)).version as VersionJson;
    const { body } = await graphql(server.url, DIFF, { a: a.id, b: b.id });
    expect(codeOf(body.errors)).toBe("BAD_USER_INPUT");
  });

  it("answers NOT_FOUND or null for ids that name nothing", async () => {
    for (const id of ["00000000-0000-0000-0000-000000000000", "not-a-uuid"]) {
      expect(codeOf((await save(id)).body.errors)).toBe("NOT_FOUND");
      expect(codeOf((await versions(id)).body.errors)).toBe("NOT_FOUND");
      const restore = await graphql(server.url, RESTORE, { input: { versionId: id } });
      expect(codeOf(restore.body.errors)).toBe("NOT_FOUND");
      expect((await graphql(server.url, DIFF, { a: id, b: id })).body).toEqual({
        data: { diffVersions: null },
      });
    }
  });

  describe("as other users", () => {
    let viewer: UserRow;
    let stranger: UserRow;
    let asViewer: TestServer;
    let asStranger: TestServer;
    let fixture: Awaited<ReturnType<typeof boardWithTwoVersions>>;

    beforeAll(async () => {
      viewer = await upsertGithubUser(server.db, { githubId: 601n, login: "viewer" });
      stranger = await upsertGithubUser(server.db, { githubId: 602n, login: "stranger" });
      await addMember(server.db, projectId, viewer.id, "VIEWER");
      fixture = await boardWithTwoVersions();
      fixture.client[Symbol.dispose]();
      // The same database as `server`, each acting as another user.
      asViewer = await startTestServer({ db: server.db, auth: { mode: "local", user: viewer } });
      asStranger = await startTestServer({
        db: server.db,
        auth: { mode: "local", user: stranger },
      });
    });
    afterAll(async () => {
      await Promise.all([asViewer?.close(), asStranger?.close()]);
    });

    it("lets a VIEWER list and diff versions but not save or restore them (FORBIDDEN)", async () => {
      const { board, v1, v2 } = fixture;
      const listed = await graphql<{ versions: VersionPage }>(asViewer.url, VERSIONS, {
        boardId: board.id,
      });
      expect(listed.body.data?.versions.edges.map((edge) => edge.node.number)).toEqual([2, 1]);
      const diff = await graphql<{ diffVersions: DiffJson | null }>(asViewer.url, DIFF, {
        a: v1.id,
        b: v2.id,
      });
      expect(diff.body.data?.diffVersions?.changes).toHaveLength(1);

      const saving = await save(board.id, "by viewer", asViewer.url);
      expect(codeOf(saving.body.errors)).toBe("FORBIDDEN");
      expect(saving.body.errors?.[0]?.message).toMatch(/\(VIEWER\) does not allow/);
      const restoring = await graphql(asViewer.url, RESTORE, { input: { versionId: v1.id } });
      expect(codeOf(restoring.body.errors)).toBe("FORBIDDEN");
      expect((await boardConfig(board.id))?.system.hostname).toBe("second");
    });

    it("shows a non-member nothing: NOT_FOUND, and null for a diff", async () => {
      const { board, v1, v2 } = fixture;
      const listed = await graphql(asStranger.url, VERSIONS, { boardId: board.id });
      expect(codeOf(listed.body.errors)).toBe("NOT_FOUND");
      expect(codeOf((await save(board.id, "by stranger", asStranger.url)).body.errors)).toBe(
        "NOT_FOUND",
      );
      const restoring = await graphql(asStranger.url, RESTORE, { input: { versionId: v1.id } });
      expect(codeOf(restoring.body.errors)).toBe("NOT_FOUND");
      expect((await graphql(asStranger.url, DIFF, { a: v1.id, b: v2.id })).body).toEqual({
        data: { diffVersions: null },
      });
    });
  });
});
