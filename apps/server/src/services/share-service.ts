import { randomBytes } from "node:crypto";

import { can, DomainError, isRecordId } from "@bbos/core";
import {
  createShareLink,
  findArtifactForUser,
  findShareLink,
  listShareLinks,
  revokeShareLink,
  type Db,
  type ShareLinkRow,
  type UserRow,
} from "@bbos/db";

import { forbidden, requireViewer } from "./board-access.ts";

const HOUR_MS = 60 * 60 * 1000;
/** A link lives 72 hours unless asked otherwise, 30 days at most. */
const DEFAULT_LIFETIME_HOURS = 72;
const MAX_LIFETIME_HOURS = 30 * 24;
const MAX_DOWNLOADS = 10_000;
const ARTIFACT_NOT_FOUND = "No such artifact, or you are not a member of its project.";

/** Where a link's token is used: `GET /share/<token>`, no account needed. */
export const SHARE_PATH = "/share/";

/**
 * Links that let anyone with them download one artifact, until they expire, run out of
 * downloads or are revoked. Members who may share (`artifact.share`) make, list and revoke them.
 */
export function createShareService(db: Db) {
  async function shareableArtifact(viewer: UserRow | null, artifactId: string) {
    const user = requireViewer(viewer);
    const artifact = isRecordId(artifactId)
      ? await findArtifactForUser(db, artifactId, user.id)
      : null;
    if (!artifact) throw new DomainError("NOT_FOUND", ARTIFACT_NOT_FOUND);
    if (!can(artifact.role, "artifact.share")) throw forbidden(artifact.role, "artifact.share");
    return { user, artifact };
  }

  return {
    async list(viewer: UserRow | null, artifactId: string): Promise<ShareLinkRow[]> {
      const { artifact } = await shareableArtifact(viewer, artifactId);
      return listShareLinks(db, artifact.id);
    },

    /**
     * A new link; its path holds the token, answered this once.
     *
     * @throws DomainError `BAD_INPUT` for a lifetime outside 1…720 hours or a cap outside
     *   1…10,000 downloads.
     */
    async create(
      viewer: UserRow | null,
      args: { artifactId: string; expiresInHours?: number | null; maxDownloads?: number | null },
    ): Promise<{ link: ShareLinkRow; path: string }> {
      const { user, artifact } = await shareableArtifact(viewer, args.artifactId);
      const hours = args.expiresInHours ?? DEFAULT_LIFETIME_HOURS;
      if (!Number.isInteger(hours) || hours < 1 || hours > MAX_LIFETIME_HOURS) {
        throw new DomainError(
          "BAD_INPUT",
          `A share link expires after 1 to ${MAX_LIFETIME_HOURS} hours; got ${hours}.`,
          { details: { field: "expiresInHours" } },
        );
      }
      const cap = args.maxDownloads ?? null;
      if (cap !== null && (!Number.isInteger(cap) || cap < 1 || cap > MAX_DOWNLOADS)) {
        throw new DomainError(
          "BAD_INPUT",
          `A share link allows 1 to ${MAX_DOWNLOADS} downloads, or leave it open; got ${cap}.`,
          { details: { field: "maxDownloads" } },
        );
      }
      const token = randomBytes(32).toString("base64url");
      const link = await createShareLink(db, {
        token,
        artifact,
        createdById: user.id,
        expiresAt: new Date(Date.now() + hours * HOUR_MS),
        maxDownloads: cap,
      });
      return { link, path: `${SHARE_PATH}${token}` };
    },

    async revoke(viewer: UserRow | null, shareLinkId: string): Promise<ShareLinkRow> {
      const link = isRecordId(shareLinkId) ? await findShareLink(db, shareLinkId) : null;
      if (!link?.artifactId) throw new DomainError("NOT_FOUND", "No such share link.");
      // The same answer for a link of an artifact the viewer cannot share as for none at all.
      try {
        await shareableArtifact(viewer, link.artifactId);
      } catch (error) {
        if (error instanceof DomainError && error.code === "NOT_FOUND") {
          throw new DomainError("NOT_FOUND", "No such share link.");
        }
        throw error;
      }
      return revokeShareLink(db, link.id);
    },
  };
}

export type ShareService = ReturnType<typeof createShareService>;
