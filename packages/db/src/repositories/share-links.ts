import type { UserId } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { artifactSelect, type ArtifactRow } from "./builds.ts";
import { hashSecret } from "./secret-hash.ts";

const shareLinkSelect = {
  id: true,
  artifactId: true,
  buildId: true,
  createdById: true,
  expiresAt: true,
  maxDownloads: true,
  downloadCount: true,
  revokedAt: true,
  createdAt: true,
} satisfies Prisma.ShareLinkSelect;

export type ShareLinkRow = Prisma.ShareLinkGetPayload<{ select: typeof shareLinkSelect }>;

export async function createShareLink(
  db: DbClient,
  input: {
    token: string;
    artifact: Pick<ArtifactRow, "id" | "buildId">;
    createdById: UserId;
    expiresAt: Date;
    maxDownloads: number | null;
  },
): Promise<ShareLinkRow> {
  return db.shareLink.create({
    data: {
      tokenHash: hashSecret(input.token),
      artifactId: input.artifact.id,
      buildId: input.artifact.buildId,
      createdById: input.createdById,
      expiresAt: input.expiresAt,
      maxDownloads: input.maxDownloads,
    },
    select: shareLinkSelect,
  });
}

/** The artifact's links, newest first. */
export function listShareLinks(db: DbClient, artifactId: string): Promise<ShareLinkRow[]> {
  return db.shareLink.findMany({
    where: { artifactId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: shareLinkSelect,
  });
}

export function findShareLink(db: DbClient, id: string): Promise<ShareLinkRow | null> {
  return db.shareLink.findUnique({ where: { id }, select: shareLinkSelect });
}

/** Revokes a link (once: it keeps its first revocation time). */
export async function revokeShareLink(db: DbClient, id: string, now = new Date()) {
  await db.shareLink.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  return db.shareLink.findUniqueOrThrow({ where: { id }, select: shareLinkSelect });
}

/**
 * The link's artifact if the link may be used now: not revoked, not expired, and (when `count`)
 * with a download left, which this call then takes, atomically, so a cap of N allows N
 * downloads however many arrive at once. Without `count` (the rest of a download in ranges) the
 * cap only has to have been reached by this download. Null otherwise.
 */
export async function useShareLink(
  db: DbClient,
  token: string,
  options: { count: boolean; now?: Date },
): Promise<{ link: ShareLinkRow; artifact: ArtifactRow } | null> {
  const now = options.now ?? new Date();
  const tokenHash = hashSecret(token);
  const live = { tokenHash, revokedAt: null, expiresAt: { gt: now } };
  if (options.count) {
    const taken = await db.$queryRaw<{ id: string }[]>`
      UPDATE "ShareLink" SET "downloadCount" = "downloadCount" + 1
      WHERE "tokenHash" = ${tokenHash} AND "revokedAt" IS NULL AND "expiresAt" > ${now}
        AND ("maxDownloads" IS NULL OR "downloadCount" < "maxDownloads")
      RETURNING "id"`;
    if (taken.length === 0) return null;
  }
  const row = await db.shareLink.findFirst({
    where: live,
    select: { ...shareLinkSelect, artifact: { select: artifactSelect } },
  });
  if (!row?.artifact) return null;
  if (!options.count && row.maxDownloads !== null && row.downloadCount > row.maxDownloads) {
    return null;
  }
  const { artifact, ...link } = row;
  return { link, artifact: artifact as ArtifactRow };
}
