import type { BoardId, ProjectId, UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { Prisma, Role } from "../../generated/prisma/client.ts";
import { storable } from "../storable-bytes.ts";
import type { WithIds } from "./with-ids.ts";

const boardSelect = {
  id: true,
  projectId: true,
  name: true,
  schemaId: true,
  archivedAt: true,
  updatedAt: true,
} satisfies Prisma.BoardSelect;

/** A board's metadata; its document (Yjs state and log) is read with `readBoardLog`. */
export type BoardRow = WithIds<
  Prisma.BoardGetPayload<{ select: typeof boardSelect }>,
  { id: BoardId; projectId: ProjectId }
>;

/** A board as one member of its project sees it: with that member's role in the project. */
export type MemberBoardRow = BoardRow & { role: Role };

export interface CreateBoardInput {
  projectId: ProjectId;
  name: string;
  schemaId: string;
  /** The board's initial document (an encoded Yjs state). @defaultValue none: an empty document */
  state?: Uint8Array;
}

/**
 * Creates a board in the project, with its initial document when given. Board names are unique
 * per project, archived boards included: a taken name fails with Prisma's P2002
 * (`isUniqueViolation`).
 */
export async function createBoard(db: DbClient, input: CreateBoardInput): Promise<BoardRow> {
  const { state, ...board } = input;
  const row = await db.board.create({
    data: {
      ...board,
      ...(state === undefined ? {} : { state: storable(state), stateSize: state.byteLength }),
    },
    select: boardSelect,
  });
  return row as BoardRow;
}

/**
 * A new board in the project of `source`, on its schema, with the document `state` (the copy's
 * own encoding of the source's content). Names are unique as for {@link createBoard}.
 */
export function duplicateBoard(
  db: DbClient,
  source: Pick<BoardRow, "projectId" | "schemaId">,
  input: { name: string; state: Uint8Array },
): Promise<BoardRow> {
  return createBoard(db, { projectId: source.projectId, schemaId: source.schemaId, ...input });
}

/**
 * The board with the user's role in its project, in one query, or null when there is no such
 * board or the user is not a member: "absent" and "hidden" look the same. Archived boards are
 * found too (`archivedAt` set).
 */
export async function findBoardForUser(
  db: DbClient,
  boardId: BoardId,
  userId: UserId,
): Promise<MemberBoardRow | null> {
  const row = await db.board.findUnique({
    where: { id: boardId },
    select: {
      ...boardSelect,
      project: { select: { memberships: { where: { userId }, select: { role: true } } } },
    },
  });
  const membership = row?.project.memberships[0];
  if (!row || !membership) return null;
  const { project: _project, ...board } = row;
  return { ...(board as BoardRow), role: membership.role };
}

/** The board, whoever asks (callers have checked access), or null. */
export async function findBoard(db: DbClient, boardId: BoardId): Promise<BoardRow | null> {
  const row = await db.board.findUnique({ where: { id: boardId }, select: boardSelect });
  return row as BoardRow | null;
}

/** What can change on a board row; its content changes through its document (board-log.ts). */
export type BoardChanges = Partial<Pick<BoardRow, "name" | "archivedAt" | "schemaId">>;

/**
 * Changes the board's name, archive time (null restores it) or schema id. A name taken in the
 * project fails with P2002 (`isUniqueViolation`).
 */
export async function updateBoard(
  db: DbClient,
  boardId: BoardId,
  changes: BoardChanges,
): Promise<BoardRow> {
  const row = await db.board.update({ where: { id: boardId }, data: changes, select: boardSelect });
  return row as BoardRow;
}

/**
 * The boards of the given projects that are not archived, by name, grouped by project id (one
 * query for many projects).
 */
export async function listBoardsByProject(
  db: DbClient,
  projectIds: readonly ProjectId[],
): Promise<Map<ProjectId, BoardRow[]>> {
  const rows = (await db.board.findMany({
    where: { projectId: { in: [...projectIds] }, archivedAt: null },
    orderBy: { name: "asc" },
    select: boardSelect,
  })) as BoardRow[];
  const byProject = new Map<ProjectId, BoardRow[]>(projectIds.map((id) => [id, []]));
  for (const row of rows) byProject.get(row.projectId)?.push(row);
  return byProject;
}
