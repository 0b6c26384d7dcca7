// Type-level checks: `tsc` (the workspace's typecheck) is what fails here when ids stop being
// distinct types; at runtime the test only confirms the file loads.
import { describe, expectTypeOf, it } from "vitest";

import type { BoardId, ProjectId, UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import { listBoardsByProject, type BoardRow } from "./boards.ts";
import { addMember, findProjectForUser, type ProjectRow } from "./projects.ts";
import { findUser, type UserRow } from "./users.ts";

describe("repository ids", () => {
  it("keeps the ids of different records apart", () => {
    expectTypeOf<ProjectId>().not.toExtend<UserId>();
    expectTypeOf<UserId>().not.toExtend<ProjectId>();
    expectTypeOf<BoardId>().not.toExtend<ProjectId>();
    // A plain string must be checked (e.g. `isProjectId`) before it can be used as an id.
    expectTypeOf<string>().not.toExtend<ProjectId>();
    // Ids stay strings, so they still work as strings everywhere.
    expectTypeOf<ProjectId>().toExtend<string>();
  });

  it("types the ids of rows read from the database", () => {
    expectTypeOf<UserRow["id"]>().toEqualTypeOf<UserId>();
    expectTypeOf<ProjectRow["id"]>().toEqualTypeOf<ProjectId>();
    expectTypeOf<BoardRow["id"]>().toEqualTypeOf<BoardId>();
    expectTypeOf<BoardRow["projectId"]>().toEqualTypeOf<ProjectId>();
  });

  it("rejects an id of the wrong record in repository calls", () => {
    // Never called: only its body's types matter.
    const misuse = (db: DbClient, projectId: ProjectId, userId: UserId, boardId: BoardId) => [
      // @ts-expect-error a ProjectId is not a UserId
      findUser(db, projectId),
      // @ts-expect-error the arguments are swapped: the project comes first
      findProjectForUser(db, userId, projectId),
      // @ts-expect-error a BoardId is not a ProjectId
      listBoardsByProject(db, [boardId]),
      // @ts-expect-error an unchecked string is not a UserId
      addMember(db, projectId, "some-user", "VIEWER"),
    ];
    expectTypeOf(misuse).toBeFunction();
  });
});
