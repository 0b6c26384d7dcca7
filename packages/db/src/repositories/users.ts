import type { Db } from "../client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";

export const userSelect = {
  id: true,
  login: true,
  name: true,
  email: true,
  avatarUrl: true,
} satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

export interface GithubIdentity {
  githubId: bigint;
  login: string;
  name?: string | null;
  email?: string | null;
  avatarUrl?: string | null;
}

/** Creates or refreshes the user behind a GitHub identity. */
export function upsertGithubUser(db: Db, identity: GithubIdentity): Promise<UserRow> {
  const profile = {
    login: identity.login,
    name: identity.name ?? null,
    email: identity.email ?? null,
    avatarUrl: identity.avatarUrl ?? null,
    lastLoginAt: new Date(),
  };
  return db.user.upsert({
    where: { githubId: identity.githubId },
    create: { githubId: identity.githubId, ...profile },
    update: profile,
    select: userSelect,
  });
}

export function findUser(db: Db, id: string): Promise<UserRow | null> {
  return db.user.findUnique({ where: { id }, select: userSelect });
}

export function findUserByLogin(db: Db, login: string): Promise<UserRow | null> {
  return db.user.findUnique({ where: { login }, select: userSelect });
}

/** The user of a single-user installation (no GitHub identity), created on first use. */
export async function ensureLocalUser(db: Db, login: string): Promise<UserRow> {
  return db.user.upsert({
    where: { login },
    create: { login, name: "Local user" },
    update: {},
    select: userSelect,
  });
}
