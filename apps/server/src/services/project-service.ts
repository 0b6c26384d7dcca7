import DataLoader from "dataloader";

import { DomainError, isProjectId, type ProjectId } from "@bbos/core";
import {
  findProjectForUser,
  listBoardsByProject,
  listProjectsForUser,
  type BoardRow,
  type Db,
  type MemberProjectRow,
  type UserRow,
} from "@bbos/db";

function requireViewer(viewer: UserRow | null): UserRow {
  if (!viewer) throw new DomainError("UNAUTHENTICATED", "sign in to see projects");
  return viewer;
}

/**
 * Project use cases for one request: the caller passes the viewer, this decides what they may
 * see. Board lookups are batched per request, so a list of N projects costs two queries.
 */
export function createProjectService(db: Db) {
  const boards = new DataLoader<ProjectId, BoardRow[]>(async (projectIds) => {
    const byProject = await listBoardsByProject(db, projectIds);
    return projectIds.map((id) => byProject.get(id) ?? []);
  });

  return {
    list(viewer: UserRow | null): Promise<MemberProjectRow[]> {
      return listProjectsForUser(db, requireViewer(viewer).id);
    },

    get(viewer: UserRow | null, projectId: string): Promise<MemberProjectRow | null> {
      const user = requireViewer(viewer);
      // Not a UUID: no such project, rather than a database type error.
      if (!isProjectId(projectId)) return Promise.resolve(null);
      return findProjectForUser(db, projectId, user.id);
    },

    boardsOf(projectId: ProjectId): Promise<BoardRow[]> {
      return boards.load(projectId);
    },
  };
}

export type ProjectService = ReturnType<typeof createProjectService>;
