import type { UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { userSelect, type UserRow } from "./users.ts";
import { hashSecret } from "./secret-hash.ts";
import type { WithIds } from "./with-ids.ts";

/** How stale `lastUsedAt` may get: a busy token costs one write a minute, not one a request. */
export const TOKEN_TOUCH_INTERVAL_MS = 60_000;

const apiTokenSelect = {
  id: true,
  userId: true,
  name: true,
  prefix: true,
  scopes: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
} satisfies Prisma.ApiTokenSelect;

/** A token as its owner sees it: never the secret, which is not stored. */
export type ApiTokenRow = WithIds<
  Prisma.ApiTokenGetPayload<{ select: typeof apiTokenSelect }>,
  { userId: UserId }
>;

export interface CreateApiTokenInput {
  userId: UserId;
  name: string;
  /** The secret; only its hash and first characters are stored. */
  token: string;
  /** How many leading characters of the secret are kept to tell tokens apart. */
  prefixLength: number;
  scopes: readonly string[];
  expiresAt: Date | null;
}

export async function createApiToken(
  db: DbClient,
  input: CreateApiTokenInput,
): Promise<ApiTokenRow> {
  const row = await db.apiToken.create({
    data: {
      userId: input.userId,
      name: input.name,
      tokenHash: hashSecret(input.token),
      prefix: input.token.slice(0, input.prefixLength),
      scopes: [...input.scopes],
      expiresAt: input.expiresAt,
    },
    select: apiTokenSelect,
  });
  return row as ApiTokenRow;
}

/** The user's tokens, newest first, revoked and expired ones included. */
export async function listApiTokens(db: DbClient, userId: UserId): Promise<ApiTokenRow[]> {
  const rows = await db.apiToken.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: apiTokenSelect,
  });
  return rows as ApiTokenRow[];
}

/** Revokes one of the user's tokens (once: a revoked token keeps its first revocation time). */
export async function revokeApiToken(
  db: DbClient,
  userId: UserId,
  tokenId: string,
  now = new Date(),
): Promise<ApiTokenRow | null> {
  await db.apiToken.updateMany({
    where: { id: tokenId, userId, revokedAt: null },
    data: { revokedAt: now },
  });
  const row = await db.apiToken.findFirst({
    where: { id: tokenId, userId },
    select: apiTokenSelect,
  });
  return row as ApiTokenRow | null;
}

/** A token that may be used now, with its user. */
export interface LiveApiToken {
  token: ApiTokenRow;
  user: UserRow;
}

/** The token behind a secret if it is neither revoked nor expired, else null. */
export async function findLiveApiToken(
  db: DbClient,
  token: string,
  now = new Date(),
): Promise<LiveApiToken | null> {
  const row = await db.apiToken.findFirst({
    where: {
      tokenHash: hashSecret(token),
      revokedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
    select: { ...apiTokenSelect, user: { select: userSelect } },
  });
  if (!row) return null;
  const { user, ...rest } = row;
  return { token: rest as ApiTokenRow, user: user as UserRow };
}

/** Records a use, at most once per {@link TOKEN_TOUCH_INTERVAL_MS} (concurrent uses write once). */
export async function touchApiToken(db: DbClient, tokenId: string, now = new Date()) {
  await db.apiToken.updateMany({
    where: {
      id: tokenId,
      OR: [
        { lastUsedAt: null },
        { lastUsedAt: { lt: new Date(now.getTime() - TOKEN_TOUCH_INTERVAL_MS) } },
      ],
    },
    data: { lastUsedAt: now },
  });
}
