import type { BoardId, ConfigVersionId, JsonObject, UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { Prisma, Role } from "../../generated/prisma/client.ts";
import { storable } from "../storable-bytes.ts";
import { transaction } from "../transaction.ts";
import { userSelect, type UserRow } from "./users.ts";
import type { WithIds } from "./with-ids.ts";

// The config itself is left out: a list of versions should not read every version's document.
const versionSelect = {
  id: true,
  boardId: true,
  number: true,
  schemaId: true,
  contentHash: true,
  message: true,
  createdAt: true,
  author: { select: userSelect },
} satisfies Prisma.ConfigVersionSelect;

/**
 * A saved config version without its config (read that with {@link findVersionsById}). `author`
 * is null once the user who saved it is deleted.
 */
export type ConfigVersionRow = Omit<
  WithIds<
    Prisma.ConfigVersionGetPayload<{ select: typeof versionSelect }>,
    { id: ConfigVersionId; boardId: BoardId }
  >,
  "author"
> & { author: UserRow | null };

/** A version with its config: its canonical JSON's value (stored as `jsonb`, key order lost). */
export type VersionWithConfigRow = ConfigVersionRow & { config: JsonObject };

/** A version as one member of its board's project sees it: with that member's role. */
export type MemberVersionRow = VersionWithConfigRow & { role: Role };

export interface CreateConfigVersionInput {
  boardId: BoardId;
  schemaId: string;
  /** The config as parsed from its canonical JSON. */
  config: JsonObject;
  /** Lowercase hex SHA-256 of the canonical JSON; unique per board. */
  contentHash: string;
  message: string;
  authorId: UserId | null;
  /** The Yjs state vector of the document the config was read from. */
  stateVector: Uint8Array | null;
}

/**
 * Saves a version of the board numbered one past its newest, or returns the board's version
 * that has the same `contentHash` (`created: false`). Null when there is no such board.
 *
 * The board row is locked first, so saves of one board (from any process) run one after the
 * other: each sees the number and the hashes the one before it committed, and neither unique
 * index ((board, number), (board, hash)) can fail. The lock is `FOR NO KEY UPDATE`, which
 * foreign-key checks do not wait for, so the collab log keeps appending meanwhile.
 */
export function createConfigVersion(
  db: DbClient,
  input: CreateConfigVersionInput,
): Promise<{ version: ConfigVersionRow; created: boolean } | null> {
  const { boardId, stateVector, config, ...columns } = input;
  return transaction(db, async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Board" WHERE "id" = ${boardId}::uuid FOR NO KEY UPDATE`;
    if (locked.length === 0) return null;
    const existing = await findVersionByContentHash(tx, boardId, input.contentHash);
    if (existing) return { version: existing, created: false };
    const newest = await tx.configVersion.aggregate({
      where: { boardId },
      _max: { number: true },
    });
    const row = await tx.configVersion.create({
      data: {
        ...columns,
        boardId,
        number: (newest._max.number ?? 0) + 1,
        config,
        stateVector: stateVector === null ? null : storable(stateVector),
      },
      select: versionSelect,
    });
    return { version: row as ConfigVersionRow, created: true };
  });
}

/** The board's version whose canonical JSON has this SHA-256, or null. */
export async function findVersionByContentHash(
  db: DbClient,
  boardId: BoardId,
  contentHash: string,
): Promise<ConfigVersionRow | null> {
  const row = await db.configVersion.findUnique({
    where: { boardId_contentHash: { boardId, contentHash } },
    select: versionSelect,
  });
  return row as ConfigVersionRow | null;
}

/**
 * The version with its config and the user's role in its board's project, in one query, or null
 * when there is no such version or the user is not a member: "absent" and "hidden" look the same.
 */
export async function findVersionForUser(
  db: DbClient,
  versionId: ConfigVersionId,
  userId: UserId,
): Promise<MemberVersionRow | null> {
  const row = await db.configVersion.findUnique({
    where: { id: versionId },
    select: {
      ...versionSelect,
      config: true,
      board: {
        select: {
          project: { select: { memberships: { where: { userId }, select: { role: true } } } },
        },
      },
    },
  });
  const membership = row?.board.project.memberships[0];
  if (!row || !membership) return null;
  const { board: _board, ...version } = row;
  return { ...(version as VersionWithConfigRow), role: membership.role };
}

/**
 * The versions with these ids, configs included, in one query; missing ids are left out. The
 * caller checks access (each row names its board).
 */
export async function findVersionsById(
  db: DbClient,
  versionIds: readonly ConfigVersionId[],
): Promise<VersionWithConfigRow[]> {
  const rows = await db.configVersion.findMany({
    where: { id: { in: [...versionIds] } },
    select: { ...versionSelect, config: true },
  });
  return rows as VersionWithConfigRow[];
}

/** The versions of the given boards, newest first, grouped by board id (one query for many). */
export async function listVersionsByBoard(
  db: DbClient,
  boardIds: readonly BoardId[],
): Promise<Map<BoardId, ConfigVersionRow[]>> {
  const rows = (await db.configVersion.findMany({
    where: { boardId: { in: [...boardIds] } },
    orderBy: [{ boardId: "asc" }, { number: "desc" }],
    select: versionSelect,
  })) as ConfigVersionRow[];
  const byBoard = new Map<BoardId, ConfigVersionRow[]>(boardIds.map((id) => [id, []]));
  for (const row of rows) byBoard.get(row.boardId)?.push(row);
  return byBoard;
}
