import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { UserId } from "@bbos/core";
import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "./client.ts";
import { createBoard, listBoardsByProject } from "./repositories/boards.ts";
import {
  addMember,
  createProject,
  findProjectForUser,
  listProjectsForUser,
} from "./repositories/projects.ts";
import { upsertGithubUser } from "./repositories/users.ts";
import { transaction } from "./transaction.ts";

describe("transaction", () => {
  let db: Db;

  beforeAll(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 2 });
  });
  afterAll(() => db?.$disconnect());

  it("commits two repository writes together", async () => {
    const owner = await upsertGithubUser(db, { githubId: 100n, login: "tx-commit" });

    const project = await transaction(db, async (tx) => {
      const created = await createProject(tx, { slug: "tx-commit", name: "C", ownerId: owner.id });
      await createBoard(tx, { projectId: created.id, name: "rock-5b", schemaId: "board-config/1" });
      return created;
    });

    const boards = await listBoardsByProject(db, [project.id]);
    expect(boards.get(project.id)?.map((board) => board.name)).toEqual(["rock-5b"]);
  });

  it("rolls back the first repository write when the second one fails", async () => {
    const owner = await upsertGithubUser(db, { githubId: 101n, login: "tx-rollback" });
    // No user has this id, so the membership's foreign key rejects the second write.
    const ghost = randomUUID() as UserId;
    let seenInside: unknown;

    const run = transaction(db, async (tx) => {
      const project = await createProject(tx, { slug: "tx-rb", name: "R", ownerId: owner.id });
      seenInside = await findProjectForUser(tx, project.id, owner.id);
      await addMember(tx, project.id, ghost, "VIEWER");
    });

    // Prisma's foreign-key violation, rethrown unchanged.
    await expect(run).rejects.toMatchObject({ code: "P2003" });
    // The first write did happen inside the transaction, and is gone after the rollback.
    expect(seenInside).toMatchObject({ slug: "tx-rb", role: "OWNER" });
    expect(await listProjectsForUser(db, owner.id)).toEqual([]);
  });

  it("joins the caller's transaction when given a transaction client", async () => {
    const owner = await upsertGithubUser(db, { githubId: 102n, login: "tx-join" });

    const run = transaction(db, async (outer) => {
      await transaction(outer, (inner) =>
        createProject(inner, { slug: "tx-join", name: "J", ownerId: owner.id }),
      );
      throw new Error("a later step failed");
    });

    await expect(run).rejects.toThrow("a later step failed");
    // The inner call did not commit on its own: the outer rollback removed its write too.
    expect(await listProjectsForUser(db, owner.id)).toEqual([]);
  });
});
