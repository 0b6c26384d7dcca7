import type { Db } from "../client.ts";
import type { Prisma, Role } from "../../generated/prisma/client.ts";

export const boardSelect = {
  id: true,
  projectId: true,
  name: true,
  schemaId: true,
  updatedAt: true,
} satisfies Prisma.BoardSelect;

export const projectSelect = {
  id: true,
  slug: true,
  name: true,
  description: true,
  createdAt: true,
} satisfies Prisma.ProjectSelect;

export type BoardRow = Prisma.BoardGetPayload<{ select: typeof boardSelect }>;
export type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;

export interface CreateProjectInput {
  slug: string;
  name: string;
  description?: string;
  ownerId: string;
}

/** Creates a project with its creator as OWNER, in one transaction. */
export function createProject(db: Db, input: CreateProjectInput): Promise<ProjectRow> {
  return db.project.create({
    data: {
      slug: input.slug,
      name: input.name,
      description: input.description ?? "",
      createdById: input.ownerId,
      memberships: { create: { userId: input.ownerId, role: "OWNER" } },
    },
    select: projectSelect,
  });
}

/** A project as one member sees it: with that member's role. */
export type MemberProjectRow = ProjectRow & { role: Role };

const memberProjectSelect = {
  role: true,
  project: { select: projectSelect },
} satisfies Prisma.MembershipSelect;

/** Projects the user is a member of, by name, with the user's role in each. */
export async function listProjectsForUser(db: Db, userId: string): Promise<MemberProjectRow[]> {
  const rows = await db.membership.findMany({
    where: { userId },
    orderBy: { project: { name: "asc" } },
    select: memberProjectSelect,
  });
  return rows.map(({ role, project }) => ({ ...project, role }));
}

/** The project if the user is a member of it, else null: "absent" and "hidden" look the same. */
export async function findProjectForUser(
  db: Db,
  userId: string,
  projectId: string,
): Promise<MemberProjectRow | null> {
  const row = await db.membership.findUnique({
    where: { projectId_userId: { projectId, userId } },
    select: memberProjectSelect,
  });
  return row ? { ...row.project, role: row.role } : null;
}

export async function findRole(db: Db, userId: string, projectId: string): Promise<Role | null> {
  const membership = await db.membership.findUnique({
    where: { projectId_userId: { projectId, userId } },
    select: { role: true },
  });
  return membership?.role ?? null;
}

export function addMember(db: Db, projectId: string, userId: string, role: Role): Promise<unknown> {
  return db.membership.upsert({
    where: { projectId_userId: { projectId, userId } },
    create: { projectId, userId, role },
    update: { role },
  });
}

export interface CreateBoardInput {
  projectId: string;
  name: string;
  schemaId: string;
}

export function createBoard(db: Db, input: CreateBoardInput): Promise<BoardRow> {
  return db.board.create({ data: input, select: boardSelect });
}

/** Boards of the given projects, grouped by project id (one query for many projects). */
export async function listBoardsByProject(
  db: Db,
  projectIds: readonly string[],
): Promise<Map<string, BoardRow[]>> {
  const rows = await db.board.findMany({
    where: { projectId: { in: [...projectIds] } },
    orderBy: { name: "asc" },
    select: boardSelect,
  });
  const byProject = new Map<string, BoardRow[]>(projectIds.map((id) => [id, []]));
  for (const row of rows) byProject.get(row.projectId)?.push(row);
  return byProject;
}
