// Downloads from file-system storage (S3 downloads are presigned URLs and never pass through
// here) and the public signing key. A download is authorised like `build(id)`: members of the
// build's project only; anyone else gets 404, as for an artifact that does not exist.
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";

import { Router, type Request, type Response } from "express";
import type { IncomingMessage } from "node:http";

import { attachmentContentDisposition, type ObjectStore } from "@bbos/artifacts";
import { can, isBuildId, isRecordId } from "@bbos/core";
import {
  findArtifactForUser,
  findBuildForUser,
  listArtifacts,
  useShareLink,
  type ArtifactRow,
  type Db,
  type UserRow,
} from "@bbos/db";

import { transportPolicies } from "../auth/policies.ts";
import type { Logger } from "../logger.ts";
import { originOf, type AuditLog } from "../services/audit-log.ts";
import { SHARE_PATH } from "../services/share-service.ts";
import { PUBLIC_KEY_PATH } from "./artifact-paths.ts";
import type { SigningKeyInfo } from "../services/create-services.ts";

/** A share link's token: 32 random bytes in base64url. */
const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function artifactRoutes(deps: {
  db: Db;
  store: ObjectStore;
  signingKey: SigningKeyInfo;
  resolveViewer: (request: IncomingMessage) => Promise<UserRow | null>;
  audit: AuditLog;
  log: Logger;
}): Router {
  const router = Router();

  /** The artifact's bytes, whole or one range, with its checksum as ETag. */
  async function sendArtifact(
    req: Request,
    res: Response,
    artifact: ArtifactRow,
    cacheControl: string,
  ): Promise<void> {
    const size = Number(artifact.size);
    res.setHeader("Accept-Ranges", "bytes");
    res.setHeader("Content-Disposition", attachmentContentDisposition(artifact.name));
    res.setHeader("Content-Type", artifact.contentType);
    res.setHeader("ETag", `"${artifact.sha256}"`);
    res.setHeader("Cache-Control", cacheControl);

    // One range is served as 206; several (rare, and costly to assemble) get the whole file.
    const ranges = req.headers.range ? req.range(size, { combine: true }) : undefined;
    if (ranges === -1) {
      res.setHeader("Content-Range", `bytes */${size}`);
      return void res.status(416).end();
    }
    const range = Array.isArray(ranges) && ranges.length === 1 ? ranges[0] : undefined;
    if (range) {
      res.status(206);
      res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader("Content-Length", String(range.end - range.start + 1));
    } else {
      res.setHeader("Content-Length", String(size));
    }
    if (req.method === "HEAD") return void res.end();
    const body = await deps.store.read(
      artifact.storageKey,
      range ? { start: range.start, end: range.end } : undefined,
    );
    await pipeline(body, res).catch((error: unknown) => {
      // A client that goes away mid-download is normal; anything else is worth a line.
      if (!res.destroyed)
        deps.log.warn({ err: error, artifactId: artifact.id }, "artifact download failed");
    });
  }

  router.get(`${SHARE_PATH}:token`, async (req: Request<{ token: string }>, res: Response) => {
    // Only a request from the first byte counts as a download; the rest of it in ranges does not.
    const first = !req.headers.range || /^bytes=0-/.test(req.headers.range);
    const shared = SHARE_TOKEN.test(req.params.token)
      ? await useShareLink(deps.db, req.params.token, { count: req.method === "GET" && first })
      : null;
    if (!shared) {
      return void res
        .status(404)
        .type("text/plain")
        .send("This link is unknown, expired, revoked or used up.\n");
    }
    if (req.method === "GET" && first) {
      await deps.audit.record({
        actor: null,
        origin: originOf(req),
        projectId: await deps.audit.projectOf({ type: "Artifact", id: shared.artifact.id }),
        action: "downloadShared",
        target: { type: "ShareLink", id: shared.link.id },
        outcome: "SUCCESS",
        data: { artifactId: shared.artifact.id, download: shared.link.downloadCount },
      });
    }
    // Not kept by any cache: the link can be revoked.
    await sendArtifact(req, res, shared.artifact, "private, no-store");
  });

  router.get(PUBLIC_KEY_PATH, (_req, res) => {
    res.type("text/plain; charset=utf-8").send(deps.signingKey.publicKeyFile);
  });

  router.get(
    "/artifacts/:id/:name",
    async (req: Request<{ id: string; name: string }>, res: Response) => {
      const viewer = await deps.resolveViewer(req);
      const downloaded = (outcome: "SUCCESS" | "FAILURE", projectId: string | null) =>
        deps.audit.record({
          actor: viewer,
          origin: originOf(req),
          projectId,
          action: "downloadArtifact",
          target: { type: "Artifact", id: req.params.id },
          outcome,
        });
      if (!viewer) {
        await downloaded("FAILURE", null);
        return void res.status(401).type("text/plain").send("Sign in first.\n");
      }
      const artifact = isRecordId(req.params.id)
        ? await findArtifactForUser(deps.db, req.params.id, viewer.id)
        : null;
      // Refusals are recorded under the artifact's project too, so its owners see them.
      const projectId = await deps.audit.projectOf({ type: "Artifact", id: req.params.id });
      if (
        !artifact ||
        !can(artifact.role, transportPolicies.download) ||
        artifact.name !== req.params.name
      ) {
        await downloaded("FAILURE", projectId);
        return void res
          .status(404)
          .type("text/plain")
          .send("No such artifact, or you are not a member of its project.\n");
      }
      // A download in ranges counts once: only a request from the first byte is recorded.
      if (req.method === "GET" && (!req.headers.range || /^bytes=0-/.test(req.headers.range))) {
        await downloaded("SUCCESS", projectId);
      }
      await sendArtifact(req, res, artifact, "private, max-age=31536000, immutable");
    },
  );

  router.get("/builds/:id/log.txt", async (req: Request<{ id: string }>, res: Response) => {
    const viewer = await deps.resolveViewer(req);
    if (!viewer) return void res.status(401).type("text/plain").send("Sign in first.\n");
    const build = isBuildId(req.params.id)
      ? await findBuildForUser(deps.db, req.params.id, viewer.id)
      : null;
    const archive =
      build && can(build.role, transportPolicies.download)
        ? (await listArtifacts(deps.db, build.id)).find((artifact) => artifact.kind === "LOG")
        : undefined;
    if (!archive) {
      return void res
        .status(404)
        .type("text/plain")
        .send(
          "No archived log: no such build, it has not ended successfully, or you are not a member.\n",
        );
    }
    res.type("text/plain; charset=utf-8");
    res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
    const body = await deps.store.read(archive.storageKey);
    await pipeline(body, createGunzip(), res).catch((error: unknown) => {
      if (!res.destroyed) deps.log.warn({ err: error, buildId: build?.id }, "log download failed");
    });
  });

  return router;
}
