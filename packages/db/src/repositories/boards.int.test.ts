import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../client.ts";
import { isUniqueViolation } from "../unique-violation.ts";
import { readBoardLog } from "./board-log.ts";
import {
  createBoard,
  duplicateBoard,
  findBoardForUser,
  listBoardsByProject,
  updateBoard,
} from "./boards.ts";
import { addMember, createProject } from "./projects.ts";
import { upsertGithubUser } from "./users.ts";

describe("board repository", () => {
  let db: Db;

  beforeAll(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 2 });
  });
  afterAll(() => db?.$disconnect());

  async function fixture(githubId: bigint) {
    const owner = await upsertGithubUser(db, { githubId, login: `owner-${githubId}` });
    const project = await createProject(db, {
      slug: `p-${githubId}`,
      name: `P ${githubId}`,
      ownerId: owner.id,
    });
    return { owner, project };
  }

  it("stores the initial document bytes with the board", async () => {
    const { project } = await fixture(1n);
    const state = new Uint8Array([1, 2, 3, 4]);
    const board = await createBoard(db, {
      projectId: project.id,
      name: "rock-5b",
      schemaId: "board-config/2",
      state,
    });
    expect(board).toMatchObject({ name: "rock-5b", archivedAt: null });
    const log = await readBoardLog(db, board.id);
    expect(log?.state).toEqual(state);
    expect(log?.updates).toEqual([]);
  });

  it("finds a board with the user's role, and nothing for a non-member", async () => {
    const { owner, project } = await fixture(2n);
    const viewer = await upsertGithubUser(db, { githubId: 200n, login: "viewer-2" });
    const stranger = await upsertGithubUser(db, { githubId: 201n, login: "stranger-2" });
    await addMember(db, project.id, viewer.id, "VIEWER");
    const board = await createBoard(db, { projectId: project.id, name: "b", schemaId: "s" });

    expect(await findBoardForUser(db, board.id, owner.id)).toEqual({ ...board, role: "OWNER" });
    expect(await findBoardForUser(db, board.id, viewer.id)).toMatchObject({ role: "VIEWER" });
    expect(await findBoardForUser(db, board.id, stranger.id)).toBeNull();
  });

  it("refuses a name taken in the project with a unique violation, archived boards included", async () => {
    const { project } = await fixture(3n);
    const taken = await createBoard(db, { projectId: project.id, name: "a", schemaId: "s" });
    const other = await createBoard(db, { projectId: project.id, name: "b", schemaId: "s" });
    await updateBoard(db, taken.id, { archivedAt: new Date() });

    const attempts = [
      () => createBoard(db, { projectId: project.id, name: "a", schemaId: "s" }),
      () => updateBoard(db, other.id, { name: "a" }),
      () => duplicateBoard(db, other, { name: "a", state: new Uint8Array([0]) }),
    ];
    for (const attempt of attempts) {
      const error: unknown = await attempt().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(isUniqueViolation(error)).toBe(true);
    }
    expect(isUniqueViolation(new Error("other"))).toBe(false);
  });

  it("renames, archives and restores, and lists only boards that are not archived", async () => {
    const { project } = await fixture(4n);
    const board = await createBoard(db, { projectId: project.id, name: "old", schemaId: "s" });
    const renamed = await updateBoard(db, board.id, { name: "new" });
    expect(renamed).toMatchObject({ id: board.id, name: "new" });

    const at = new Date("2026-01-02T03:04:05.000Z");
    expect((await updateBoard(db, board.id, { archivedAt: at })).archivedAt).toEqual(at);
    expect((await listBoardsByProject(db, [project.id])).get(project.id)).toEqual([]);

    const restored = await updateBoard(db, board.id, { archivedAt: null });
    expect(restored.archivedAt).toBeNull();
    expect((await listBoardsByProject(db, [project.id])).get(project.id)).toEqual([restored]);
  });

  it("duplicates a board into its project and schema with the given document", async () => {
    const { project } = await fixture(5n);
    const source = await createBoard(db, {
      projectId: project.id,
      name: "source",
      schemaId: "board-config/1",
    });
    const copy = await duplicateBoard(db, source, { name: "copy", state: new Uint8Array([9]) });
    expect(copy).toMatchObject({ projectId: project.id, schemaId: "board-config/1", name: "copy" });
    expect(copy.id).not.toBe(source.id);
    expect((await readBoardLog(db, copy.id))?.state).toEqual(new Uint8Array([9]));
  });
});
