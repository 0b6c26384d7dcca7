import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../client.ts";
import { createBoard, listBoardsByProject } from "./boards.ts";
import {
  addMember,
  createProject,
  findProjectForUser,
  findRole,
  listProjectsForUser,
} from "./projects.ts";
import { ensureLocalUser, findUserByLogin, upsertGithubUser } from "./users.ts";

describe("project repository", () => {
  let db: Db;

  beforeAll(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 2 });
  });
  afterAll(() => db?.$disconnect());

  it("refreshes a returning GitHub user instead of duplicating it", async () => {
    const first = await upsertGithubUser(db, { githubId: 10n, login: "ada", name: "Ada" });
    const again = await upsertGithubUser(db, { githubId: 10n, login: "ada-l", name: "Ada L." });
    expect(again.id).toBe(first.id);
    expect(await findUserByLogin(db, "ada")).toBeNull();
    expect((await findUserByLogin(db, "ada-l"))?.name).toBe("Ada L.");
  });

  it("gives a login to its new GitHub holder and parks the stale holder, keeping both users", async () => {
    // grace renames herself on GitHub, and a newcomer takes her old login.
    const grace = await upsertGithubUser(db, { githubId: 11n, login: "grace" });
    const newcomer = await upsertGithubUser(db, { githubId: 12n, login: "grace" });
    expect(newcomer.id).not.toBe(grace.id);
    expect((await findUserByLogin(db, "grace"))?.id).toBe(newcomer.id);
    expect((await findUserByLogin(db, `~${grace.id}`))?.id).toBe(grace.id);
    // Her own next sign-in brings her current login back to her row.
    const returning = await upsertGithubUser(db, { githubId: 11n, login: "grace-h" });
    expect(returning).toMatchObject({ id: grace.id, login: "grace-h" });

    // A development or local user is never taken over by a GitHub user of the same name.
    const local = await ensureLocalUser(db, "lin");
    const github = await upsertGithubUser(db, { githubId: 13n, login: "lin" });
    expect(github.id).not.toBe(local.id);
    expect((await findUserByLogin(db, `~${local.id}`))?.id).toBe(local.id);
  });

  it("shows a project only to its members", async () => {
    const owner = await upsertGithubUser(db, { githubId: 20n, login: "owner" });
    const outsider = await upsertGithubUser(db, { githubId: 21n, login: "outsider" });
    const project = await createProject(db, {
      slug: "rk",
      name: "Rockchip fleet",
      ownerId: owner.id,
    });

    expect(await findRole(db, project.id, owner.id)).toBe("OWNER");
    expect(await listProjectsForUser(db, owner.id)).toMatchObject([{ slug: "rk", role: "OWNER" }]);
    expect(await listProjectsForUser(db, outsider.id)).toEqual([]);
    expect(await findProjectForUser(db, project.id, outsider.id)).toBeNull();

    await addMember(db, project.id, outsider.id, "VIEWER");
    expect(await findProjectForUser(db, project.id, outsider.id)).toMatchObject({
      id: project.id,
      role: "VIEWER",
    });
    expect(await findRole(db, project.id, outsider.id)).toBe("VIEWER");
  });

  it("groups boards by project in one call", async () => {
    const owner = await upsertGithubUser(db, { githubId: 30n, login: "boards" });
    const a = await createProject(db, { slug: "a", name: "A", ownerId: owner.id });
    const b = await createProject(db, { slug: "b", name: "B", ownerId: owner.id });
    await createBoard(db, { projectId: a.id, name: "rock-5b", schemaId: "board-config/1" });
    await createBoard(db, { projectId: a.id, name: "orangepi5", schemaId: "board-config/1" });

    const boards = await listBoardsByProject(db, [a.id, b.id]);
    expect(boards.get(a.id)?.map((board) => board.name)).toEqual(["orangepi5", "rock-5b"]);
    expect(boards.get(b.id)).toEqual([]);
  });
});
