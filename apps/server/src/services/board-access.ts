// Who may do what with a board, decided the same way by every service: a non-member learns
// nothing (NOT_FOUND, as for a board that does not exist), a member without the permission gets
// FORBIDDEN naming the role and what it does not allow.
import { can, DomainError, isBoardId, isProjectId, type ProjectAction } from "@bbos/core";
import {
  findBoardForUser,
  findProjectForUser,
  type Db,
  type MemberBoardRow,
  type MemberProjectRow,
  type UserRow,
} from "@bbos/db";

export const BOARD_NOT_FOUND_MESSAGE = "No such board, or you are not a member of its project.";
export const PROJECT_NOT_FOUND_MESSAGE = "No such project, or you are not a member of it.";

/** What each action is called in a refusal. */
const ACTION_WORDS: Record<ProjectAction, string> = {
  "project.read": "seeing this project",
  "board.edit": "creating or changing boards",
  "board.archive": "archiving or restoring boards",
  "version.save": "saving or restoring versions",
  "build.run": "starting, canceling or retrying builds",
  "project.rename": "renaming the project",
  "project.archive": "archiving or restoring the project",
  "member.manage": "managing members",
  "audit.read": "reading the audit trail",
  "artifact.share": "sharing artifacts",
};

/** @throws DomainError `UNAUTHENTICATED` when nobody is signed in. */
export function requireViewer(viewer: UserRow | null): UserRow {
  if (!viewer) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
  return viewer;
}

export function forbidden(role: string, action: ProjectAction): DomainError {
  return new DomainError(
    "FORBIDDEN",
    `Your role in this project (${role}) does not allow ${ACTION_WORDS[action]}.`,
    { details: { role, action } },
  );
}

/**
 * The project as the viewer sees it, if they may do `action` there.
 * @throws DomainError `UNAUTHENTICATED`, `NOT_FOUND` (no such project, or not a member),
 *   `FORBIDDEN` (the role lacks `action`).
 */
export async function requireProject(
  db: Db,
  viewer: UserRow | null,
  projectId: string,
  action: ProjectAction,
): Promise<MemberProjectRow> {
  const user = requireViewer(viewer);
  const project = isProjectId(projectId) ? await findProjectForUser(db, projectId, user.id) : null;
  if (!project) throw new DomainError("NOT_FOUND", PROJECT_NOT_FOUND_MESSAGE);
  if (!can(project.role, action)) throw forbidden(project.role, action);
  return project;
}

export function createBoardAccess(db: Db) {
  async function find(viewer: UserRow | null, boardId: string): Promise<MemberBoardRow | null> {
    const user = requireViewer(viewer);
    // Not a UUID: no such board, rather than a database type error.
    return isBoardId(boardId) ? findBoardForUser(db, boardId, user.id) : null;
  }

  return {
    /** The board if the viewer may see it; null when absent or hidden. */
    async readable(viewer: UserRow | null, boardId: string): Promise<MemberBoardRow | null> {
      const board = await find(viewer, boardId);
      if (board && !can(board.role, "project.read")) throw forbidden(board.role, "project.read");
      return board;
    },

    /** @throws DomainError `NOT_FOUND` (absent or hidden) or `FORBIDDEN` (role). */
    async require(
      viewer: UserRow | null,
      boardId: string,
      action: ProjectAction,
    ): Promise<MemberBoardRow> {
      const board = await find(viewer, boardId);
      if (!board) throw new DomainError("NOT_FOUND", BOARD_NOT_FOUND_MESSAGE);
      if (!can(board.role, action)) throw forbidden(board.role, action);
      return board;
    },
  };
}
