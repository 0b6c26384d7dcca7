import { randomBytes } from "node:crypto";

import DataLoader from "dataloader";

import { DomainError, isProjectId, type ProjectId, type ProjectRole } from "@bbos/core";
import {
  addMember,
  createProject,
  listAuditEvents,
  findProjectForUser,
  findRole,
  isUniqueViolation,
  LastOwnerError,
  listBoardsByProject,
  listMembers,
  listProjectFiles,
  listProjectsForUser,
  setMemberRole,
  updateProject,
  type AuditEventFilter,
  type AuditEventRow,
  type BoardRow,
  type Db,
  type MemberProjectRow,
  type MemberRow,
  type ProjectFileRow,
  type UserRow,
} from "@bbos/db";

import type { UserDirectory } from "../auth/user-directory.ts";
import { PROJECT_NOT_FOUND_MESSAGE, requireProject, requireViewer } from "./board-access.ts";
import { echo, parseDisplayName } from "./display-name.ts";

/** A GitHub login: what an invitation names. */
const LOGIN_SHAPE = /^[a-zA-Z0-9-]{1,39}$/;
const MAX_SLUG_LENGTH = 48;

/** A URL-safe slug from a project name: "Rock 5B boards!" → "rock-5b-boards". */
function slugFrom(name: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, "");
  return slug === "" ? "project" : slug;
}

export interface CreateProjectArgs {
  name: string;
  description?: string | null;
}

/**
 * Project use cases for one request: the caller passes the viewer, this decides what they may
 * see and do (`can`). A non-member learns nothing (NOT_FOUND, as for a missing project), a member
 * without the permission gets FORBIDDEN. Board and file lookups are batched per request, so a
 * list of N projects costs one query for all their boards and one for all their files.
 */
/** Asks whether a user may change a project's members now (a rate limit across API nodes). */
export type MembershipChangeLimit = (
  userId: string,
) => Promise<{ retryAfterSeconds: number } | null>;

export function createProjectService(
  db: Db,
  users: UserDirectory,
  membershipChangeLimit: MembershipChangeLimit,
) {
  const boards = new DataLoader<ProjectId, BoardRow[]>(async (projectIds) => {
    const byProject = await listBoardsByProject(db, projectIds);
    return projectIds.map((id) => byProject.get(id) ?? []);
  });
  const files = new DataLoader<ProjectId, ProjectFileRow[]>(async (projectIds) => {
    const byProject = await listProjectFiles(db, projectIds);
    return projectIds.map((id) => byProject.get(id) ?? []);
  });
  const members = new DataLoader<ProjectId, MemberRow[]>(
    (projectIds) => Promise.all(projectIds.map((id) => listMembers(db, id))),
    { batch: false },
  );

  /**
   * The project, when the viewer may change its members now.
   * @throws DomainError `RATE_LIMITED` when the viewer changed members too often this minute.
   */
  async function manageMembers(viewer: UserRow | null, projectId: string) {
    const project = await requireProject(db, viewer, projectId, "member.manage");
    const refusal = await membershipChangeLimit(requireViewer(viewer).id);
    if (refusal) {
      throw new DomainError(
        "RATE_LIMITED",
        `Too many membership changes; try again in ${refusal.retryAfterSeconds} s.`,
        { details: { retryAfterSeconds: refusal.retryAfterSeconds } },
      );
    }
    return project;
  }

  /** Only an owner may make an owner, or change or remove one. */
  function requireOwnerFor(project: MemberProjectRow, roles: (ProjectRole | null)[]): void {
    if (project.role !== "OWNER" && roles.includes("OWNER")) {
      throw new DomainError(
        "FORBIDDEN",
        `Your role in this project (${project.role}) does not allow making, changing or removing owners.`,
        { details: { role: project.role, action: "member.manage" } },
      );
    }
  }

  async function membershipOf(projectId: ProjectId, userId: string): Promise<MemberRow> {
    members.clear(projectId);
    const found = (await members.load(projectId)).find((member) => member.user.id === userId);
    if (!found) throw new DomainError("NOT_FOUND", "That user is not a member of this project.");
    return found;
  }

  async function changeRole(
    project: MemberProjectRow,
    member: MemberRow,
    role: ProjectRole | null,
  ): Promise<void> {
    try {
      const changed = await setMemberRole(db, project.id, member.user.id, role);
      if (!changed) {
        throw new DomainError("NOT_FOUND", "That user is not a member of this project.");
      }
    } catch (error) {
      if (!(error instanceof LastOwnerError)) throw error;
      throw new DomainError(
        "CONFLICT",
        "This is the project's last owner: make someone else an owner first.",
        { cause: error },
      );
    } finally {
      members.clear(project.id);
    }
  }

  return {
    list(viewer: UserRow | null, options: { includeArchived: boolean }) {
      return listProjectsForUser(db, requireViewer(viewer).id, options);
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

    /** The files of a project the caller has already found readable, by path. */
    filesOf(projectId: ProjectId): Promise<ProjectFileRow[]> {
      return files.load(projectId);
    },

    /** The members of a project the caller has already found readable. */
    membersOf(projectId: ProjectId): Promise<MemberRow[]> {
      return members.load(projectId);
    },

    /**
     * A new project with the viewer as its owner, under a slug made from its name (made unique
     * with a suffix when taken).
     *
     * @throws DomainError `BAD_INPUT` for a bad name.
     */
    async create(viewer: UserRow | null, args: CreateProjectArgs): Promise<MemberProjectRow> {
      const user = requireViewer(viewer);
      const name = parseDisplayName("project", args.name);
      const base = slugFrom(name);
      for (let attempt = 0; ; attempt += 1) {
        const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString("hex")}`;
        try {
          const project = await createProject(db, {
            slug,
            name,
            description: args.description?.trim() ?? "",
            ownerId: user.id,
          });
          return { ...project, role: "OWNER" };
        } catch (error) {
          if (!isUniqueViolation(error) || attempt === 3) throw error;
        }
      }
    },

    async rename(viewer: UserRow | null, projectId: string, newName: string) {
      const project = await requireProject(db, viewer, projectId, "project.rename");
      const name = parseDisplayName("project", newName);
      const updated = await updateProject(db, project.id, { name });
      if (!updated) throw new DomainError("NOT_FOUND", PROJECT_NOT_FOUND_MESSAGE);
      return { ...updated, role: project.role };
    },

    /** Hides the project from `projects` (or lists it again); members still reach it by id. */
    async setArchived(viewer: UserRow | null, projectId: string, archived: boolean) {
      const project = await requireProject(db, viewer, projectId, "project.archive");
      const archivedAt = archived ? (project.archivedAt ?? new Date()) : null;
      const updated = await updateProject(db, project.id, { archivedAt });
      if (!updated) throw new DomainError("NOT_FOUND", PROJECT_NOT_FOUND_MESSAGE);
      return { ...updated, role: project.role };
    },

    /**
     * Adds the person with this GitHub login to the project with `role`.
     *
     * @throws DomainError `BAD_INPUT` for a malformed login, `NOT_FOUND` when no such person
     *   exists, `CONFLICT` when they are a member already.
     */
    async invite(
      viewer: UserRow | null,
      args: { projectId: string; login: string; role: ProjectRole },
    ): Promise<MemberRow> {
      const project = await manageMembers(viewer, args.projectId);
      requireOwnerFor(project, [args.role]);
      const login = args.login.trim().replace(/^@/, "");
      if (!LOGIN_SHAPE.test(login)) {
        throw new DomainError(
          "BAD_INPUT",
          `A GitHub login is 1–39 letters, digits or '-'; got ${echo(args.login)}.`,
          { details: { field: "login" } },
        );
      }
      const invitee = await users.byLogin(login);
      if (!invitee) {
        throw new DomainError("NOT_FOUND", `There is no GitHub user ${echo(login)}.`, {
          details: { field: "login" },
        });
      }
      const existing = await findRole(db, project.id, invitee.id);
      if (existing) {
        throw new DomainError(
          "CONFLICT",
          `${invitee.login} is a member already (${existing}); change their role instead.`,
          { details: { field: "login", role: existing } },
        );
      }
      await addMember(db, project.id, invitee.id, args.role);
      return membershipOf(project.id, invitee.id);
    },

    async changeMemberRole(
      viewer: UserRow | null,
      args: { projectId: string; userId: string; role: ProjectRole },
    ): Promise<MemberRow> {
      const project = await manageMembers(viewer, args.projectId);
      const current = await membershipOf(project.id, args.userId);
      requireOwnerFor(project, [current.role, args.role]);
      await changeRole(project, current, args.role);
      return membershipOf(project.id, current.user.id);
    },

    /**
     * One page of the project's audit trail, newest first: `first` events after the event
     * `afterId`, and whether more follow.
     */
    async auditEvents(
      viewer: UserRow | null,
      projectId: string,
      filter: AuditEventFilter,
      page: { first: number; afterId: bigint | null },
    ): Promise<{ events: AuditEventRow[]; total: number; hasMore: boolean }> {
      const project = await requireProject(db, viewer, projectId, "audit.read");
      const { events, total } = await listAuditEvents(db, project.id, filter, {
        take: page.first + 1,
        afterId: page.afterId,
      });
      return { events: events.slice(0, page.first), total, hasMore: events.length > page.first };
    },

    async removeMember(
      viewer: UserRow | null,
      args: { projectId: string; userId: string },
    ): Promise<MemberProjectRow> {
      const project = await manageMembers(viewer, args.projectId);
      const current = await membershipOf(project.id, args.userId);
      requireOwnerFor(project, [current.role]);
      await changeRole(project, current, null);
      return project;
    },
  };
}

export type ProjectService = ReturnType<typeof createProjectService>;
