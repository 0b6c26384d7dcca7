import type { ProjectId, UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { Prisma, Role } from "../../generated/prisma/client.ts";
import type { WithIds } from "./with-ids.ts";

const projectSelect = {
  id: true,
  slug: true,
  name: true,
  description: true,
  createdAt: true,
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

/** Projects the user is a member of, by name, with the user's role in each. */
export async function listProjectsForUser(
  db: DbClient,
  userId: UserId,
): Promise<MemberProjectRow[]> {
  const rows = await db.membership.findMany({
    where: { userId },
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
