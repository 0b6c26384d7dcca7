import type { BoardId, ProjectId, UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import { storable } from "../storable-bytes.ts";
import { transaction } from "../transaction.ts";

/**
 * A board document as stored: the compacted Yjs state and the updates appended since, in order.
 * Applying `state` and then every update gives the document; PostgreSQL holds the bytes only,
 * the Yjs encoding is the caller's.
 */
export interface BoardLog {
  boardId: BoardId;
  projectId: ProjectId;
  schemaId: string;
  archivedAt: Date | null;
  state: Uint8Array | null;
  updates: Uint8Array[];
  /** Id of the newest update in the log (or folded into `state`): the document's sequence number. */
  lastUpdateId: bigint;
}

/**
 * The board's stored document, or null when there is no such board. State and log are read from
 * one snapshot (REPEATABLE READ): the two are separate queries, and a compaction committing
 * between them would otherwise leave the old state without the folded updates.
 */
export function readBoardLog(db: DbClient, boardId: BoardId): Promise<BoardLog | null> {
  return "$transaction" in db
    ? db.$transaction((tx) => readLog(tx, boardId), { isolationLevel: "RepeatableRead" })
    : readLog(db, boardId);
}

async function readLog(db: DbClient, boardId: BoardId): Promise<BoardLog | null> {
  const board = await db.board.findUnique({
    where: { id: boardId },
    select: {
      projectId: true,
      schemaId: true,
      archivedAt: true,
      state: true,
      compactedThrough: true,
      updates: { orderBy: { id: "asc" }, select: { id: true, update: true } },
    },
  });
  if (!board) return null;
  return {
    boardId,
    projectId: board.projectId as ProjectId,
    schemaId: board.schemaId,
    archivedAt: board.archivedAt,
    state: board.state,
    updates: board.updates.map((row) => row.update),
    lastUpdateId: board.updates.at(-1)?.id ?? board.compactedThrough,
  };
}

/** One update to append, with who sent it. */
export interface BoardUpdateEntry {
  update: Uint8Array;
  userId: UserId | null;
  /** The Yjs client id of the connection the update came from, when known. */
  clientId?: number | undefined;
}

/**
 * Appends updates to the board's log in one statement, in order, and returns their sequence
 * numbers. Either all are stored or none.
 */
export async function appendBoardUpdates(
  db: DbClient,
  boardId: BoardId,
  entries: readonly BoardUpdateEntry[],
): Promise<bigint[]> {
  if (entries.length === 0) return [];
  const rows = await db.boardUpdate.createManyAndReturn({
    data: entries.map((entry) => ({
      boardId,
      update: storable(entry.update),
      userId: entry.userId,
      clientId: entry.clientId === undefined ? null : BigInt(entry.clientId),
    })),
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/**
 * Folds the board's logged updates into its state, in one transaction: `merge` gets the stored
 * state and the updates in order and returns the new state. The board row is locked first
 * (`FOR NO KEY UPDATE`), so compactions of one board from several processes run one after the
 * other and each folds only what the one before left, while appends (whose foreign-key check
 * takes a weaker lock) go on. Updates appended during a compaction stay in the log for the next.
 */
export function compactBoardLog(
  db: DbClient,
  boardId: BoardId,
  merge: (state: Uint8Array | null, updates: Uint8Array[]) => Uint8Array | Promise<Uint8Array>,
): Promise<{ folded: number; stateBytes: number }> {
  return transaction(db, async (tx) => {
    const locked = await tx.$queryRaw<{ state: Uint8Array | null }[]>`
      SELECT "state" FROM "Board" WHERE "id" = ${boardId}::uuid FOR NO KEY UPDATE`;
    const board = locked[0];
    if (!board) return { folded: 0, stateBytes: 0 };
    const updates = await tx.boardUpdate.findMany({
      where: { boardId },
      orderBy: { id: "asc" },
      select: { id: true, update: true },
    });
    const last = updates.at(-1);
    if (!last) return { folded: 0, stateBytes: board.state?.byteLength ?? 0 };
    const state = await merge(
      board.state,
      updates.map((row) => row.update),
    );
    await tx.board.update({
      where: { id: boardId },
      data: { state: storable(state), stateSize: state.byteLength, compactedThrough: last.id },
      select: { id: true },
    });
    await tx.boardUpdate.deleteMany({ where: { boardId, id: { lte: last.id } } });
    return { folded: updates.length, stateBytes: state.byteLength };
  });
}
