import type { BoardId, ProjectId, UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { transaction } from "../transaction.ts";
import { userSelect, type UserRow } from "./users.ts";

const fileVersionSelect = {
  id: true,
  fileId: true,
  number: true,
  size: true,
  sha256: true,
  storageKey: true,
  createdAt: true,
  author: { select: userSelect },
} satisfies Prisma.FileVersionSelect;

/** One stored version of a project file, with its author (null once the user is deleted). */
export type FileVersionRow = Omit<
  Prisma.FileVersionGetPayload<{ select: typeof fileVersionSelect }>,
  "author"
> & { author: UserRow | null };

const projectFileSelect = {
  id: true,
  projectId: true,
  path: true,
  createdAt: true,
  versions: { orderBy: { number: "desc" }, take: 1, select: fileVersionSelect },
} satisfies Prisma.ProjectFileSelect;

/** A project file and its newest version. */
export interface ProjectFileRow {
  id: string;
  projectId: ProjectId;
  /** Where the file lives in the project, unique in it (`overlays/etc/motd`). */
  path: string;
  createdAt: Date;
  latestVersion: FileVersionRow;
}

type ProjectFilePayload = Prisma.ProjectFileGetPayload<{ select: typeof projectFileSelect }>;

/** A file always has a version: its first is created with it, and none is ever deleted alone. */
function toProjectFileRow({ versions, ...file }: ProjectFilePayload): ProjectFileRow | null {
  const [latestVersion] = versions;
  if (!latestVersion) return null;
  return { ...file, projectId: file.projectId as ProjectId, latestVersion } as ProjectFileRow;
}

function toRows(rows: ProjectFilePayload[]): ProjectFileRow[] {
  return rows.flatMap((row) => toProjectFileRow(row) ?? []);
}

/** The files of each project, by path. */
export async function listProjectFiles(
  db: DbClient,
  projectIds: readonly ProjectId[],
): Promise<Map<ProjectId, ProjectFileRow[]>> {
  const rows = toRows(
    await db.projectFile.findMany({
      where: { projectId: { in: [...projectIds] } },
      orderBy: { path: "asc" },
      select: projectFileSelect,
    }),
  );
  const byProject = new Map<ProjectId, ProjectFileRow[]>();
  for (const row of rows) {
    const list = byProject.get(row.projectId) ?? [];
    list.push(row);
    byProject.set(row.projectId, list);
  }
  return byProject;
}

/** The file, or null. The caller checks access (the row names its project). */
export async function findProjectFile(
  db: DbClient,
  fileId: string,
): Promise<ProjectFileRow | null> {
  const row = await db.projectFile.findUnique({ where: { id: fileId }, select: projectFileSelect });
  return row && toProjectFileRow(row);
}

/**
 * The files among `fileIds` that belong to the board's project, by path, each with its newest
 * version; ids of other projects' files, or of none, are left out.
 */
export async function findBoardProjectFiles(
  db: DbClient,
  boardId: BoardId,
  fileIds: readonly string[],
): Promise<ProjectFileRow[]> {
  return toRows(
    await db.projectFile.findMany({
      where: { id: { in: [...fileIds] }, project: { boards: { some: { id: boardId } } } },
      orderBy: { path: "asc" },
      select: projectFileSelect,
    }),
  );
}

/** How many QUEUED or RUNNING builds copy a version of the file. */
export async function countUnfinishedBuildsUsingFile(
  db: DbClient,
  fileId: string,
): Promise<number> {
  const versions = await db.fileVersion.findMany({ where: { fileId }, select: { id: true } });
  return db.build.count({
    where: {
      status: { in: ["QUEUED", "RUNNING"] },
      fileVersionIds: { hasSome: versions.map((version) => version.id) },
    },
  });
}

/** Version `number` of the file, or null. */
export async function findFileVersion(
  db: DbClient,
  fileId: string,
  number: number,
): Promise<FileVersionRow | null> {
  const row = await db.fileVersion.findUnique({
    where: { fileId_number: { fileId, number } },
    select: fileVersionSelect,
  });
  return row as FileVersionRow | null;
}

export interface AddFileVersionInput {
  projectId: ProjectId;
  path: string;
  /** The new version's id, chosen before its bytes were stored under `storageKey`. */
  versionId: string;
  storageKey: string;
  size: number;
  sha256: string;
  authorId: UserId;
}

/**
 * Records stored bytes as the next version of the project's file at `path`, making the file
 * when the path is new. Concurrent uploads to one path get consecutive numbers: the file row is
 * locked while the number is taken.
 */
export function addFileVersion(db: DbClient, input: AddFileVersionInput): Promise<ProjectFileRow> {
  return transaction(db, async (tx) => {
    await tx.$executeRaw`
      INSERT INTO "ProjectFile" ("id", "projectId", "path")
      VALUES (gen_random_uuid(), ${input.projectId}::uuid, ${input.path})
      ON CONFLICT ("projectId", "path") DO NOTHING`;
    const [file] = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "ProjectFile"
      WHERE "projectId" = ${input.projectId}::uuid AND "path" = ${input.path}
      FOR NO KEY UPDATE`;
    if (!file) throw new Error(`project file ${input.path} vanished while being written`);
    const newest = await tx.fileVersion.aggregate({
      where: { fileId: file.id },
      _max: { number: true },
    });
    await tx.fileVersion.create({
      data: {
        id: input.versionId,
        fileId: file.id,
        number: (newest._max.number ?? 0) + 1,
        size: input.size,
        sha256: input.sha256,
        storageKey: input.storageKey,
        authorId: input.authorId,
      },
    });
    const row = await tx.projectFile.findUniqueOrThrow({
      where: { id: file.id },
      select: projectFileSelect,
    });
    return toProjectFileRow(row) as ProjectFileRow;
  });
}

/**
 * Deletes the file and all its versions; returns the storage keys of their bytes, for the caller
 * to remove, or null when there was no such file.
 */
export function deleteProjectFile(db: DbClient, fileId: string): Promise<string[] | null> {
  return transaction(db, async (tx) => {
    const versions = await tx.fileVersion.findMany({
      where: { fileId },
      select: { storageKey: true },
    });
    const { count } = await tx.projectFile.deleteMany({ where: { id: fileId } });
    return count === 0 ? null : versions.map((version) => version.storageKey);
  });
}
