import type { UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { transaction } from "../transaction.ts";
import { hashSecret } from "./secret-hash.ts";
import { userSelect, type UserRow } from "./users.ts";

/**
 * How stale `lastSeenAt` may get before {@link touchSession} writes it again: idle expiry is
 * measured to within this much, and a busy session costs one write a minute, not one a request.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

// Sessions are addressed by the secret token of the cookie, but the table keeps only its hash
// (`hashSecret`) as the id: every function here hashes the token it is given, and nothing else
// in the codebase needs to know how sessions are keyed.

/** What {@link createSession} stores. */
export interface CreateSessionInput {
  /** The cookie's secret token; only its hash is stored. */
  token: string;
  userId: UserId;
  /** Absolute expiry: the session ends then, however active it is. */
  expiresAt: Date;
  userAgent?: string | null;
  /**
   * The token of a session to end in the same transaction: a sign-in replaces the session its
   * request came with, whoever that session belongs to.
   */
  replaces?: string | null;
  /** @defaultValue the current time */
  now?: Date;
}

/** When a session counts as expired. */
export interface SessionExpiry {
  /** A session unseen for this long has expired, whatever its absolute expiry. */
  idleMs: number;
  /** @defaultValue the current time */
  now?: Date;
}

/** A live session: its user, and when it was last seen (for {@link touchSession}). */
export interface LiveSession {
  user: UserRow;
  lastSeenAt: Date;
}

const liveSessionSelect = {
  lastSeenAt: true,
  user: { select: userSelect },
} satisfies Prisma.SessionSelect;

/**
 * Stores a new session for `input.userId` under the hash of `input.token`, and ends the session
 * of `input.replaces`, if any, in the same transaction.
 */
export async function createSession(db: DbClient, input: CreateSessionInput): Promise<void> {
  const now = input.now ?? new Date();
  const { replaces } = input;
  await transaction(db, async (tx) => {
    if (replaces) await deleteSession(tx, replaces);
    await tx.session.create({
      data: {
        id: hashSecret(input.token),
        userId: input.userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: input.expiresAt,
        userAgent: input.userAgent ?? null,
      },
      select: { id: true },
    });
  });
}

/**
 * The session behind `token` with its user, or null when there is none, or it is past its
 * absolute expiry, or it has been idle (since `lastSeenAt`) for `idleMs` or longer.
 */
export async function findLiveSession(
  db: DbClient,
  token: string,
  expiry: SessionExpiry,
): Promise<LiveSession | null> {
  const now = expiry.now ?? new Date();
  const row = await db.session.findUnique({
    where: {
      id: hashSecret(token),
      expiresAt: { gt: now },
      lastSeenAt: { gt: new Date(now.getTime() - expiry.idleMs) },
    },
    select: liveSessionSelect,
  });
  if (!row) return null;
  return { user: row.user as UserRow, lastSeenAt: row.lastSeenAt };
}

/**
 * Marks the session as seen at `now`, unless it was seen less than
 * {@link SESSION_TOUCH_INTERVAL_MS} before (so concurrent requests write once). Returns whether
 * it wrote; an unknown token writes nothing.
 */
export async function touchSession(
  db: DbClient,
  token: string,
  now: Date = new Date(),
): Promise<boolean> {
  const { count } = await db.session.updateMany({
    where: {
      id: hashSecret(token),
      lastSeenAt: { lt: new Date(now.getTime() - SESSION_TOUCH_INTERVAL_MS) },
    },
    data: { lastSeenAt: now },
  });
  return count > 0;
}

/** Ends the session behind `token`; returns whether there was one. */
export async function deleteSession(db: DbClient, token: string): Promise<boolean> {
  const { count } = await db.session.deleteMany({ where: { id: hashSecret(token) } });
  return count > 0;
}

/**
 * Deletes every session {@link findLiveSession} would no longer return (past its absolute
 * expiry or idle too long); returns how many.
 */
export async function deleteExpiredSessions(db: DbClient, expiry: SessionExpiry): Promise<number> {
  const now = expiry.now ?? new Date();
  const { count } = await db.session.deleteMany({
    where: {
      OR: [
        { expiresAt: { lte: now } },
        { lastSeenAt: { lte: new Date(now.getTime() - expiry.idleMs) } },
      ],
    },
  });
  return count;
}
