// The board lifecycle over GraphQL against the real server and PostgreSQL: create from the
// catalogue, import, rename, duplicate, archive, restore, export, and who may do which.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { canonicalJson, defaultConfigValidator, type ProjectId } from "@bbos/core";
import { addMember, createProject, upsertGithubUser, type UserRow } from "@bbos/db";
import { boardCatalogue } from "@bbos/schemas";

import { graphql, startTestServer, type TestServer } from "./start-test-server.ts";

interface BoardJson {
  id: string;
  name: string;
  schemaId: string;
  archivedAt: string | null;
  config: Record<string, unknown>;
  validation: ValidationJson;
}

interface ValidationJson {
  valid: boolean;
  schemaId: string;
  issues: { path: string; code: string; message: string; severity: string }[];
  omittedIssueCount: number;
}

const BOARD_FIELDS = `
  id
  name
  schemaId
  archivedAt
  config
  validation { valid schemaId omittedIssueCount issues { path code message severity } }
`;

const CREATE = `
  mutation ($input: CreateBoardInput!) {
    createBoard(input: $input) { board { ${BOARD_FIELDS} } }
  }
`;
const IMPORT = `
  mutation ($input: ImportBoardInput!) {
    importBoard(input: $input) {
      board { ${BOARD_FIELDS} }
      validation { valid schemaId omittedIssueCount issues { path code message severity } }
    }
  }
`;
const RENAME = `
  mutation ($input: RenameBoardInput!) { renameBoard(input: $input) { board { id name } } }
`;
const DUPLICATE = `
  mutation ($input: DuplicateBoardInput!) {
    duplicateBoard(input: $input) { board { ${BOARD_FIELDS} } }
  }
`;
const ARCHIVE = `
  mutation ($input: ArchiveBoardInput!) { archiveBoard(input: $input) { board { id archivedAt } } }
`;
const RESTORE = `
  mutation ($input: RestoreBoardInput!) { restoreBoard(input: $input) { board { id archivedAt } } }
`;
const BOARD = `query ($id: ID!) { board(id: $id) { ${BOARD_FIELDS} } }`;
const EXPORT = `query ($id: ID!) { exportBoard(id: $id) }`;
const PROJECT_BOARDS = `
  query ($id: ID!) { project(id: $id) { boards { totalCount edges { node { id name } } } } }
`;

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;

function codeOf(errors: Errors): unknown {
  expect(errors).toHaveLength(1);
  return errors?.[0]?.extensions?.["code"];
}

describe("board lifecycle", () => {
  let server: TestServer;
  let projectId: ProjectId;

  async function create(name: string, catalogueBoardId = "qemu-arm64"): Promise<BoardJson> {
    const { body } = await graphql<{ createBoard: { board: BoardJson } }>(server.url, CREATE, {
      input: { projectId, name, catalogueBoardId },
    });
    expect(body.errors).toBeUndefined();
    const board = body.data?.createBoard.board;
    if (!board) throw new Error(`createBoard ${name} returned no board`);
    return board;
  }

  async function boardNames(): Promise<string[]> {
    const { body } = await graphql<{
      project: { boards: { totalCount: number; edges: { node: { name: string } }[] } };
    }>(server.url, PROJECT_BOARDS, { id: projectId });
    const boards = body.data?.project.boards;
    expect(boards?.totalCount).toBe(boards?.edges.length);
    return boards?.edges.map((edge) => edge.node.name) ?? [];
  }

  async function readBoard(id: string, url = server.url) {
    return graphql<{ board: BoardJson | null }>(url, BOARD, { id });
  }

  beforeAll(async () => {
    server = await startTestServer();
    const project = await createProject(server.db, {
      slug: "fleet",
      name: "Fleet",
      ownerId: server.viewer.id,
    });
    projectId = project.id;
  });
  afterAll(() => server?.close());

  it.each(["qemu-arm64", "rock-5b", "odroidc2"])(
    "creates a %s board whose config is valid out of the box",
    async (catalogueBoardId) => {
      const created = await create(`new ${catalogueBoardId}`, catalogueBoardId);
      expect(created).toMatchObject({
        name: `new ${catalogueBoardId}`,
        schemaId: "board-config/3",
        archivedAt: null,
      });
      expect(created.config["board"]).toBe(catalogueBoardId);

      // Read back from the stored document, not from what the mutation had in memory.
      const { body } = await readBoard(created.id);
      const board = body.data?.board;
      expect(board?.config).toEqual(created.config);
      expect(board?.validation.issues.filter((issue) => issue.severity === "ERROR")).toEqual([]);
      expect(board?.validation).toMatchObject({ valid: true, schemaId: "board-config/3" });
      const recipes = boardCatalogue.boards.find((entry) => entry.id === catalogueBoardId)?.recipes;
      expect(recipes).toContain((board?.config["build"] as { recipe: string }).recipe);
    },
  );

  it("refuses an unknown catalogue board with a clear message", async () => {
    const { body } = await graphql(server.url, CREATE, {
      input: { projectId, name: "nope", catalogueBoardId: "rock-6z" },
    });
    expect(codeOf(body.errors)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/^Unknown catalogue board "rock-6z"/);
  });

  it("refuses an empty or oversized name", async () => {
    for (const name of ["   ", "x".repeat(101), "tab\tin name"]) {
      const { body } = await graphql(server.url, CREATE, {
        input: { projectId, name, catalogueBoardId: "qemu-arm64" },
      });
      expect(codeOf(body.errors)).toBe("BAD_USER_INPUT");
    }
  });

  it("imports a valid config as a new board", async () => {
    const config = { board: "qemu-amd64", os: {}, system: {} };
    const configJson = JSON.stringify({
      ...config,
      os: { release: "bookworm", branch: "current", variant: "minimal" },
      system: { hostname: "imported" },
    });
    const { body } = await graphql<{
      importBoard: { board: BoardJson | null; validation: ValidationJson };
    }>(server.url, IMPORT, { input: { projectId, name: "imported", configJson } });
    expect(body.errors).toBeUndefined();
    const payload = body.data?.importBoard;
    expect(payload?.validation.valid).toBe(true);
    expect(payload?.board?.config).toEqual(JSON.parse(configJson));
    expect(payload?.board?.schemaId).toBe("board-config/3");
    const stored = await readBoard(payload?.board?.id ?? "");
    expect(stored.body.data?.board?.config).toEqual(JSON.parse(configJson));
  });

  it("imports against an older schema when asked, and validates against that one", async () => {
    const configJson = JSON.stringify({
      board: "qemu-arm64",
      os: { release: "trixie", branch: "current", variant: "server" },
      system: { hostname: "old" },
      image: { sizeMiB: 4096 },
    });
    const latest = await graphql<{ importBoard: { validation: ValidationJson } }>(
      server.url,
      IMPORT,
      { input: { projectId, name: "v1 as v2", configJson } },
    );
    expect(latest.body.data?.importBoard.validation.valid).toBe(false);

    const { body } = await graphql<{ importBoard: { board: BoardJson | null } }>(
      server.url,
      IMPORT,
      { input: { projectId, name: "v1", configJson, schemaId: "board-config/1" } },
    );
    expect(body.data?.importBoard.board).toMatchObject({
      schemaId: "board-config/1",
      validation: { valid: true, schemaId: "board-config/1" },
    });
  });

  it("creates nothing for an invalid import and lists the issues with JSON Pointers", async () => {
    const before = await boardNames();
    const configJson = JSON.stringify({
      board: "qemu-arm64",
      os: { release: "trixie", branch: "edge", variant: "server" },
      system: { hostname: "-bad-" },
    });
    const { body } = await graphql<{
      importBoard: { board: BoardJson | null; validation: ValidationJson };
    }>(server.url, IMPORT, { input: { projectId, name: "invalid", configJson } });
    expect(body.errors).toBeUndefined();
    const payload = body.data?.importBoard;
    expect(payload?.board).toBeNull();
    expect(payload?.validation.valid).toBe(false);
    expect(payload?.validation.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/system/hostname", severity: "ERROR" }),
      ]),
    );
    for (const issue of payload?.validation.issues ?? []) {
      expect(issue.path).toMatch(/^(\/|$)/);
      expect(issue.message).not.toBe("");
    }
    expect(await boardNames()).toEqual(before);
  });

  it("reports text that is not JSON as an issue, creating nothing", async () => {
    const before = await boardNames();
    const { body } = await graphql<{
      importBoard: { board: BoardJson | null; validation: ValidationJson };
    }>(server.url, IMPORT, { input: { projectId, name: "broken", configJson: '{"board": ' } });
    expect(body.errors).toBeUndefined();
    expect(body.data?.importBoard.board).toBeNull();
    expect(body.data?.importBoard.validation).toMatchObject({
      valid: false,
      issues: [{ path: "", code: "CONFIG_NOT_JSON", severity: "ERROR" }],
    });
    expect(body.data?.importBoard.validation.issues[0]?.message).toMatch(/line 1, column/);
    expect(await boardNames()).toEqual(before);
  });

  it("renames a board, and refuses a name another board has with CONFLICT", async () => {
    const board = await create("to rename");
    await create("taken");
    const renamed = await graphql<{ renameBoard: { board: { id: string; name: string } } }>(
      server.url,
      RENAME,
      { input: { boardId: board.id, name: "renamed" } },
    );
    expect(renamed.body.data?.renameBoard.board).toEqual({ id: board.id, name: "renamed" });

    const conflict = await graphql(server.url, RENAME, {
      input: { boardId: board.id, name: "taken" },
    });
    expect(codeOf(conflict.body.errors)).toBe("CONFLICT");
    expect(conflict.body.errors?.[0]?.message).toMatch(/already has a board named "taken"/);
    expect((await readBoard(board.id)).body.data?.board?.name).toBe("renamed");
  });

  it("refuses to create a board under a taken name with CONFLICT", async () => {
    await create("twice");
    const { body } = await graphql(server.url, CREATE, {
      input: { projectId, name: "twice", catalogueBoardId: "rpi4b" },
    });
    expect(codeOf(body.errors)).toBe("CONFLICT");
  });

  it("duplicates a board: the same config under an id of its own", async () => {
    const source = await create("original", "rockpro64");
    const { body } = await graphql<{ duplicateBoard: { board: BoardJson } }>(
      server.url,
      DUPLICATE,
      { input: { boardId: source.id, name: "copy" } },
    );
    expect(body.errors).toBeUndefined();
    const copy = body.data?.duplicateBoard.board;
    expect(copy?.id).not.toBe(source.id);
    expect(copy).toMatchObject({ name: "copy", schemaId: source.schemaId });
    expect((await readBoard(copy?.id ?? "")).body.data?.board?.config).toEqual(source.config);
    expect(await boardNames()).toEqual(expect.arrayContaining(["original", "copy"]));
  });

  it("hides an archived board from Project.boards but still returns it by id; restore lists it again", async () => {
    const board = await create("seasonal");
    const archived = await graphql<{ archiveBoard: { board: { archivedAt: string | null } } }>(
      server.url,
      ARCHIVE,
      { input: { boardId: board.id } },
    );
    const archivedAt = archived.body.data?.archiveBoard.board.archivedAt;
    expect(Date.parse(archivedAt ?? "")).not.toBeNaN();
    expect(await boardNames()).not.toContain("seasonal");

    const byId = (await readBoard(board.id)).body.data?.board;
    expect(byId).toMatchObject({ id: board.id, name: "seasonal", archivedAt });
    expect(byId?.config).toEqual(board.config);

    // Archiving again keeps the first time.
    const again = await graphql<{ archiveBoard: { board: { archivedAt: string | null } } }>(
      server.url,
      ARCHIVE,
      { input: { boardId: board.id } },
    );
    expect(again.body.data?.archiveBoard.board.archivedAt).toBe(archivedAt);

    for (const [query, input] of [
      [RENAME, { boardId: board.id, name: "renamed while archived" }],
      [DUPLICATE, { boardId: board.id, name: "copied while archived" }],
    ] as const) {
      const refused = await graphql(server.url, query, { input });
      expect(codeOf(refused.body.errors)).toBe("CONFLICT");
      expect(refused.body.errors?.[0]?.message).toMatch(/is archived; restore it before/);
    }

    const restored = await graphql<{ restoreBoard: { board: { archivedAt: string | null } } }>(
      server.url,
      RESTORE,
      { input: { boardId: board.id } },
    );
    expect(restored.body.data?.restoreBoard.board.archivedAt).toBeNull();
    expect(await boardNames()).toContain("seasonal");
  });

  it("exports canonical JSON of the config, which imports back to the same config", async () => {
    const board = await create("exported", "pine64");
    const { body } = await graphql<{ exportBoard: string | null }>(server.url, EXPORT, {
      id: board.id,
    });
    const exported = body.data?.exportBoard ?? "";
    expect(exported).toBe(canonicalJson(board.config));
    expect(defaultConfigValidator().validate("board-config/3", JSON.parse(exported)).valid).toBe(
      true,
    );

    const imported = await graphql<{ importBoard: { board: BoardJson | null } }>(
      server.url,
      IMPORT,
      { input: { projectId, name: "round trip", configJson: exported } },
    );
    const copy = imported.body.data?.importBoard.board;
    expect(copy?.config).toEqual(board.config);
    const again = await graphql<{ exportBoard: string | null }>(server.url, EXPORT, {
      id: copy?.id ?? "",
    });
    expect(again.body.data?.exportBoard).toBe(exported);
  });

  it("answers null for a board that does not exist or an id that is not one", async () => {
    for (const id of ["00000000-0000-0000-0000-000000000000", "not-a-uuid"]) {
      expect((await readBoard(id)).body).toEqual({ data: { board: null } });
      expect((await graphql(server.url, EXPORT, { id })).body).toEqual({
        data: { exportBoard: null },
      });
      const { body } = await graphql(server.url, RENAME, { input: { boardId: id, name: "x" } });
      expect(codeOf(body.errors)).toBe("NOT_FOUND");
    }
  });

  describe("as other users", () => {
    let viewer: UserRow;
    let stranger: UserRow;
    let asViewer: TestServer;
    let asStranger: TestServer;
    let board: BoardJson;

    beforeAll(async () => {
      viewer = await upsertGithubUser(server.db, { githubId: 501n, login: "viewer" });
      stranger = await upsertGithubUser(server.db, { githubId: 502n, login: "stranger" });
      await addMember(server.db, projectId, viewer.id, "VIEWER");
      board = await create("shared");
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

    it("lets a VIEWER read and export a board", async () => {
      expect((await readBoard(board.id, asViewer.url)).body.data?.board?.id).toBe(board.id);
      const exported = await graphql(asViewer.url, EXPORT, { id: board.id });
      expect(exported.body).toEqual({ data: { exportBoard: canonicalJson(board.config) } });
    });

    it("refuses a VIEWER every change with FORBIDDEN", async () => {
      const attempts: [string, Record<string, unknown>][] = [
        [CREATE, { projectId, name: "by viewer", catalogueBoardId: "qemu-arm64" }],
        [IMPORT, { projectId, name: "by viewer", configJson: canonicalJson(board.config) }],
        [RENAME, { boardId: board.id, name: "by viewer" }],
        [DUPLICATE, { boardId: board.id, name: "by viewer" }],
        [ARCHIVE, { boardId: board.id }],
        [RESTORE, { boardId: board.id }],
      ];
      for (const [query, input] of attempts) {
        const { body } = await graphql(asViewer.url, query, { input });
        expect(codeOf(body.errors)).toBe("FORBIDDEN");
        expect(body.errors?.[0]?.message).toMatch(/\(VIEWER\) does not allow/);
      }
      expect(await boardNames()).not.toContain("by viewer");
      expect((await readBoard(board.id)).body.data?.board?.name).toBe("shared");
    });

    it("shows a non-member nothing: null for reads, NOT_FOUND for changes", async () => {
      expect((await readBoard(board.id, asStranger.url)).body).toEqual({ data: { board: null } });
      expect((await graphql(asStranger.url, EXPORT, { id: board.id })).body).toEqual({
        data: { exportBoard: null },
      });
      const attempts: [string, Record<string, unknown>][] = [
        [CREATE, { projectId, name: "by stranger", catalogueBoardId: "qemu-arm64" }],
        [IMPORT, { projectId, name: "by stranger", configJson: "{}" }],
        [RENAME, { boardId: board.id, name: "by stranger" }],
        [DUPLICATE, { boardId: board.id, name: "by stranger" }],
        [ARCHIVE, { boardId: board.id }],
        [RESTORE, { boardId: board.id }],
      ];
      for (const [query, input] of attempts) {
        const { body } = await graphql(asStranger.url, query, { input });
        expect(codeOf(body.errors)).toBe("NOT_FOUND");
      }
    });
  });
});
