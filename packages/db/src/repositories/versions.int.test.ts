import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { BoardId, UserId } from "@bbos/core";
import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../client.ts";
import { createBoard } from "./boards.ts";
import { addMember, createProject } from "./projects.ts";
import { upsertGithubUser } from "./users.ts";
import {
  createConfigVersion,
  findVersionByContentHash,
  findVersionForUser,
  findVersionsById,
  listVersionsByBoard,
  type CreateConfigVersionInput,
} from "./versions.ts";

describe("config version repository", () => {
  let db: Db;

  beforeAll(async () => {
    // Several connections, so concurrent saves really run at once.
    db = createDb({ url: await createTestDatabase(), maxConnections: 6 });
  });
  afterAll(() => db?.$disconnect());

  async function fixture(githubId: bigint) {
    const owner = await upsertGithubUser(db, { githubId, login: `owner-${githubId}` });
    const project = await createProject(db, {
      slug: `p-${githubId}`,
      name: `P ${githubId}`,
      ownerId: owner.id,
    });
    const board = await createBoard(db, {
      projectId: project.id,
      name: "b",
      schemaId: "board-config/2",
    });
    return { owner, project, board };
  }

  const input = (boardId: BoardId, authorId: UserId, n: number): CreateConfigVersionInput => ({
    boardId,
    schemaId: "board-config/2",
    config: { system: { hostname: `h${n}` } },
    contentHash: String(n).padStart(64, "0"),
    message: `v${n}`,
    authorId,
    stateVector: new Uint8Array([n]),
  });

  it("numbers concurrent saves of one board 1, 2, 3… without a unique violation", async () => {
    const { owner, board } = await fixture(1n);
    const saved = await Promise.all(
      Array.from({ length: 8 }, (_, n) => createConfigVersion(db, input(board.id, owner.id, n))),
    );
    expect(saved.map((result) => result?.created)).toEqual(Array(8).fill(true));
    expect(
      saved.map((result) => result?.version.number).sort((a, b) => (a ?? 0) - (b ?? 0)),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const listed = (await listVersionsByBoard(db, [board.id])).get(board.id) ?? [];
    expect(listed.map((version) => version.number)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(listed[0]?.author).toMatchObject({ id: owner.id, login: owner.login });
  });

  it("returns the existing version for content saved twice at once", async () => {
    const { owner, board } = await fixture(2n);
    const [a, b] = await Promise.all([
      createConfigVersion(db, input(board.id, owner.id, 1)),
      createConfigVersion(db, input(board.id, owner.id, 1)),
    ]);
    expect([a?.created, b?.created].sort()).toEqual([false, true]);
    expect(a?.version.id).toBe(b?.version.id);
    expect(
      await findVersionByContentHash(db, board.id, input(board.id, owner.id, 1).contentHash),
    ).toMatchObject({ id: a?.version.id, number: 1 });
  });

  it("answers null for a board that does not exist", async () => {
    const { owner } = await fixture(3n);
    const missing = "00000000-0000-0000-0000-000000000000" as BoardId;
    expect(await createConfigVersion(db, input(missing, owner.id, 1))).toBeNull();
  });

  it("finds a version with the member's role and its config, and nothing for a non-member", async () => {
    const { owner, project, board } = await fixture(4n);
    const viewer = await upsertGithubUser(db, { githubId: 400n, login: "viewer-4" });
    const stranger = await upsertGithubUser(db, { githubId: 401n, login: "stranger-4" });
    await addMember(db, project.id, viewer.id, "VIEWER");
    const saved = await createConfigVersion(db, input(board.id, owner.id, 7));
    const id = saved?.version.id;
    if (!id) throw new Error("not saved");

    expect(await findVersionForUser(db, id, viewer.id)).toMatchObject({
      id,
      boardId: board.id,
      role: "VIEWER",
      config: { system: { hostname: "h7" } },
      message: "v7",
    });
    expect(await findVersionForUser(db, id, stranger.id)).toBeNull();
    expect(
      await findVersionsById(db, [id, "00000000-0000-0000-0000-000000000000" as never]),
    ).toEqual([expect.objectContaining({ id, config: { system: { hostname: "h7" } } })]);
  });
});
