import type { ProjectId, UserId } from "@bbos/core";

import type { Db, DbClient } from "../client.ts";
import type { Prisma, Role } from "../../generated/prisma/client.ts";
import { userSelect, type UserRow } from "./users.ts";
import type { WithIds } from "./with-ids.ts";

const projectSelect = {
  id: true,
  slug: true,
  name: true,
  description: true,
  createdAt: true,
  archivedAt: true,
} satisfies Prisma.ProjectSelect;

export type ProjectRow = WithIds<
  Prisma.ProjectGetPayload<{ select: typeof projectSelect }>,
  { id: ProjectId }
>;

export interface CreateProjectInput {
  slug: string;
  name: string;
  description?: string;
  ownerId: UserId;
}

/** Creates a project with its creator as OWNER, in one transaction. */
export async function createProject(db: DbClient, input: CreateProjectInput): Promise<ProjectRow> {
  const row = await db.project.create({
    data: {
      slug: input.slug,
      name: input.name,
      description: input.description ?? "",
      createdById: input.ownerId,
      memberships: { create: { userId: input.ownerId, role: "OWNER" } },
    },
    select: projectSelect,
  });
  return row as ProjectRow;
}

/** The project with this slug (unique), or null. */
export async function findProjectBySlug(db: DbClient, slug: string): Promise<ProjectRow | null> {
  const row = await db.project.findUnique({ where: { slug }, select: projectSelect });
  return row as ProjectRow | null;
}

/** A project as one member sees it: with that member's role. */
export type MemberProjectRow = ProjectRow & { role: Role };

const memberProjectSelect = {
  role: true,
  project: { select: projectSelect },
} satisfies Prisma.MembershipSelect;

/** Projects the user is a member of, by name, with the user's role in each; archived ones too
 * only when asked. */
export async function listProjectsForUser(
  db: DbClient,
  userId: UserId,
  options: { includeArchived?: boolean } = {},
): Promise<MemberProjectRow[]> {
  const rows = await db.membership.findMany({
    where: { userId, ...(options.includeArchived ? {} : { project: { archivedAt: null } }) },
    orderBy: { project: { name: "asc" } },
    select: memberProjectSelect,
  });
  return rows.map(({ role, project }) => ({ ...(project as ProjectRow), role }));
}

/** The project if the user is a member of it, else null: "absent" and "hidden" look the same. */
export async function findProjectForUser(
  db: DbClient,
  projectId: ProjectId,
  userId: UserId,
): Promise<MemberProjectRow | null> {
  const row = await db.membership.findUnique({
    where: { projectId_userId: { projectId, userId } },
    select: memberProjectSelect,
  });
  return row ? { ...(row.project as ProjectRow), role: row.role } : null;
}

/** The user's role in the project, or null if they are not a member. */
export async function findRole(
  db: DbClient,
  projectId: ProjectId,
  userId: UserId,
): Promise<Role | null> {
  const membership = await db.membership.findUnique({
    where: { projectId_userId: { projectId, userId } },
    select: { role: true },
  });
  return membership?.role ?? null;
}

/** Makes the user a member of the project with `role`, or changes the role they have. */
export async function addMember(
  db: DbClient,
  projectId: ProjectId,
  userId: UserId,
  role: Role,
): Promise<void> {
  await db.membership.upsert({
    where: { projectId_userId: { projectId, userId } },
    create: { projectId, userId, role },
    update: { role },
    select: { role: true },
  });
}

/** Renames the project; null when there is no such project. */
export async function updateProject(
  db: DbClient,
  projectId: ProjectId,
  changes: { name?: string; archivedAt?: Date | null },
): Promise<ProjectRow | null> {
  const rows = await db.project.updateManyAndReturn({
    where: { id: projectId },
    data: changes,
    select: projectSelect,
  });
  return (rows[0] as ProjectRow | undefined) ?? null;
}

export interface MemberRow {
  user: UserRow;
  role: Role;
  createdAt: Date;
}

/** The project's members, owners first, then by login. */
export async function listMembers(db: DbClient, projectId: ProjectId): Promise<MemberRow[]> {
  const rows = await db.membership.findMany({
    where: { projectId },
    orderBy: [{ role: "asc" }, { user: { login: "asc" } }],
    select: { role: true, createdAt: true, user: { select: userSelect } },
  });
  return rows as MemberRow[];
}

/** Thrown when a change would leave a project without an owner. */
export class LastOwnerError extends Error {
  override readonly name = "LastOwnerError";
}

/**
 * Changes a member's role (`role`) or removes the member (null), refusing with
 * {@link LastOwnerError} to demote or remove the project's last owner. The project row is locked
 * for the check, so two owners demoting each other at once cannot both succeed. Answers false
 * when the user is not a member.
 */
export async function setMemberRole(
  db: Db,
  projectId: ProjectId,
  userId: UserId,
  role: Role | null,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${projectId}::uuid FOR UPDATE`;
    const current = await tx.membership.findUnique({
      where: { projectId_userId: { projectId, userId } },
      select: { role: true },
    });
    if (!current) return false;
    if (current.role === "OWNER" && role !== "OWNER") {
      const owners = await tx.membership.count({ where: { projectId, role: "OWNER" } });
      if (owners === 1) {
        throw new LastOwnerError("the project's last owner cannot be removed or demoted");
      }
    }
    const where = { projectId_userId: { projectId, userId } };
    if (role === null) await tx.membership.delete({ where });
    else await tx.membership.update({ where, data: { role } });
    return true;
  });
}
