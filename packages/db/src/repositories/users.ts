import type { UserId } from "@bbos/core";

import type { Db, DbClient } from "../client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { WithIds } from "./with-ids.ts";

/** The columns of a {@link UserRow}, also for reading a user through a relation. */
export const userSelect = {
  id: true,
  login: true,
  name: true,
  email: true,
  avatarUrl: true,
} satisfies Prisma.UserSelect;

/** A user as the application sees it (no GitHub id, no timestamps). */
export type UserRow = WithIds<Prisma.UserGetPayload<{ select: typeof userSelect }>, { id: UserId }>;

export interface GithubIdentity {
  githubId: bigint;
  login: string;
  name?: string | null;
  email?: string | null;
  avatarUrl?: string | null;
  /** When the user signed in; left out for a user added by others (an invitation). */
  lastLoginAt?: Date;
}

/**
 * Creates or refreshes the user behind a GitHub identity, matched by GitHub's id (a login can
 * change hands). GitHub logins are unique at any moment, so another row still holding this
 * login is stale (a user who has since renamed, or a local or development user of that name):
 * it keeps its data under the placeholder login `~` + its id, until its own next sign-in.
 */
export async function upsertGithubUser(db: Db, identity: GithubIdentity): Promise<UserRow> {
  // Fields left out keep their stored value (an invitation knows less than a sign-in).
  const profile = {
    login: identity.login,
    ...(identity.name === undefined ? {} : { name: identity.name }),
    ...(identity.email === undefined ? {} : { email: identity.email }),
    ...(identity.avatarUrl === undefined ? {} : { avatarUrl: identity.avatarUrl }),
    ...(identity.lastLoginAt === undefined ? {} : { lastLoginAt: identity.lastLoginAt }),
  };
  const row = await db.$transaction(async (tx) => {
    const holder = await tx.user.findUnique({
      where: { login: identity.login },
      select: { id: true, githubId: true },
    });
    if (holder && holder.githubId !== identity.githubId) {
      await tx.user.update({ where: { id: holder.id }, data: { login: `~${holder.id}` } });
    }
    return tx.user.upsert({
      where: { githubId: identity.githubId },
      create: { githubId: identity.githubId, ...profile },
      update: profile,
      select: userSelect,
    });
  });
  return row as UserRow;
}

/** The user with this id, or null. */
export async function findUser(db: DbClient, userId: UserId): Promise<UserRow | null> {
  const row = await db.user.findUnique({ where: { id: userId }, select: userSelect });
  return row as UserRow | null;
}

/** The user with this login (unique), or null. */
export async function findUserByLogin(db: DbClient, login: string): Promise<UserRow | null> {
  const row = await db.user.findUnique({ where: { login }, select: userSelect });
  return row as UserRow | null;
}

/** The user of a single-user installation (no GitHub identity), created on first use. */
export async function ensureLocalUser(db: DbClient, login: string): Promise<UserRow> {
  const row = await db.user.upsert({
    where: { login },
    create: { login, name: "Local user" },
    update: {},
    select: userSelect,
  });
  return row as UserRow;
}

/**
 * The user with this login, created without a GitHub identity when there is none: a person
 * invited to a project on an installation without GitHub login.
 */
export async function ensureUserByLogin(db: DbClient, login: string): Promise<UserRow> {
  const row = await db.user.upsert({
    where: { login },
    create: { login },
    update: {},
    select: userSelect,
  });
  return row as UserRow;
}

/**
 * The user of the development login, by login (no GitHub identity), created on first sign-in.
 * Records the sign-in in `lastLoginAt`.
 */
export async function ensureDevUser(db: DbClient, login: string): Promise<UserRow> {
  const now = new Date();
  const row = await db.user.upsert({
    where: { login },
    create: { login, lastLoginAt: now },
    update: { lastLoginAt: now },
    select: userSelect,
  });
  return row as UserRow;
}
