// Project files over HTTP: `PUT /projects/<projectId>/files?path=<path>` streams the raw body
// into storage as the next version of the file at that path, and
// `GET /files/<fileId>/versions/<n>` serves a version's bytes to the project's members.
// Answers and refusals are JSON in GraphQL's error shape, with the domain codes mapped here.
import { pipeline } from "node:stream/promises";

import { Router, type Request, type RequestHandler, type Response } from "express";
import type { IncomingMessage } from "node:http";

import { attachmentContentDisposition } from "@bbos/artifacts";
import { DomainError, isDomainError, type DomainErrorCode } from "@bbos/core";
import type { FileVersionRow } from "@bbos/db";

import { scopeAllows } from "../auth/api-tokens.ts";
import type { Viewer } from "../auth/identity.ts";
import { scopeFor, transportPolicies } from "../auth/policies.ts";
import { domainErrorExtensions } from "../graphql/format-error.ts";
import type { Logger } from "../logger.ts";
import { originOf, type AuditLog } from "../services/audit-log.ts";
import type { FileService } from "../services/file-service.ts";
import { fileVersionPath } from "./artifact-paths.ts";
import { requirePreflightedRequest } from "./csrf-prevention.ts";

/** The HTTP status of each domain error code, the one table for these routes. */
const STATUS: Record<DomainErrorCode, number> = {
  BAD_INPUT: 400,
  CONFIG_INVALID: 400,
  SCHEMA_NOT_FOUND: 404,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** A version as the upload answers it (the GraphQL `FileVersion` fields). */
function versionJson(version: FileVersionRow) {
  return {
    id: version.id,
    number: version.number,
    size: version.size,
    sha256: version.sha256,
    createdAt: version.createdAt.toISOString(),
    downloadPath: fileVersionPath(version),
  };
}

/** The last segment of a project path: the name a download is saved as. */
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

export function projectFileRoutes(deps: {
  files: FileService;
  resolveViewer: (request: IncomingMessage) => Promise<Viewer | null>;
  /**
   * 401 for a stale session cookie or a bad API token, on these routes only: other paths under
   * `/projects/` are the web app's.
   */
  refuseInvalidCredentials: RequestHandler;
  audit: AuditLog;
  /** The rate limit of uploads. */
  limitUploads: RequestHandler;
  log: Logger;
}): Router {
  const router = Router();

  /** Answers a refusal; anything that is not a DomainError goes on to the error handler. */
  function refuse(res: Response, error: DomainError): void {
    // The client may still be sending a body nobody will read: end the connection after this.
    if (!res.req.complete) res.setHeader("Connection", "close");
    res
      .status(STATUS[error.code])
      .json({ errors: [{ message: error.message, extensions: domainErrorExtensions(error) }] });
  }

  /**
   * An upload is a change: an API token needs the scope GraphQL's changes need (downloads need
   * READ, which every token has).
   *
   * @throws DomainError `FORBIDDEN` when the request's API token lacks it.
   */
  function requireUploadScope(viewer: Viewer | null): void {
    if (viewer?.tokenScopes === undefined) return;
    const needed = scopeFor(transportPolicies.fileUpload, true);
    if (!scopeAllows(viewer.tokenScopes, needed)) {
      throw new DomainError(
        "FORBIDDEN",
        `This API token's scopes (${viewer.tokenScopes.join(", ")}) do not allow uploading project files; it needs ${needed}.`,
        { details: { scopes: viewer.tokenScopes, needed } },
      );
    }
  }

  router.put(
    "/projects/:projectId/files",
    deps.refuseInvalidCredentials,
    deps.limitUploads,
    requirePreflightedRequest(),
    async (req: Request<{ projectId: string }>, res: Response) => {
      const viewer = await deps.resolveViewer(req);
      const { projectId } = req.params;
      const announced = req.headers["content-length"];
      try {
        requireUploadScope(viewer);
        const file = await deps.files.upload(viewer, {
          projectId,
          path: req.query["path"],
          // Not destroyed on an early end (a refusal), so the answer still reaches the client.
          body: req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>,
          announcedBytes: announced === undefined ? undefined : Number(announced),
        });
        const version = file.latestVersion;
        await deps.audit.record({
          actor: viewer,
          origin: originOf(req),
          projectId,
          action: "uploadProjectFile",
          target: { type: "ProjectFile", id: file.id },
          outcome: "SUCCESS",
          data: { versionId: version.id, number: version.number, size: version.size },
        });
        res.status(201).json({
          file: { id: file.id, path: file.path, latestVersion: versionJson(version) },
        });
      } catch (error) {
        if (req.destroyed) {
          // The client went away mid-upload; the store kept nothing of it.
          deps.log.info({ err: error, projectId }, "project file upload aborted");
          return;
        }
        await deps.audit.record({
          actor: viewer,
          origin: originOf(req),
          projectId,
          action: "uploadProjectFile",
          target: { type: "Project", id: projectId },
          outcome: "FAILURE",
          data: { code: isDomainError(error) ? error.code : "INTERNAL" },
        });
        if (!isDomainError(error)) throw error;
        refuse(res, error);
      }
    },
  );

  router.get(
    "/files/:fileId/versions/:number",
    deps.refuseInvalidCredentials,
    async (req: Request<{ fileId: string; number: string }>, res: Response) => {
      const viewer = await deps.resolveViewer(req);
      const { fileId } = req.params;
      const downloaded = async (outcome: "SUCCESS" | "FAILURE", data = {}) =>
        deps.audit.record({
          actor: viewer,
          origin: originOf(req),
          // Refusals are recorded under the file's project too, so its owners see them.
          projectId: await deps.audit.projectOf({ type: "ProjectFile", id: fileId }),
          action: "downloadProjectFile",
          target: { type: "ProjectFile", id: fileId },
          outcome,
          data,
        });
      let found;
      try {
        const number = /^[1-9][0-9]{0,8}$/.test(req.params.number) ? Number(req.params.number) : 0;
        found = await deps.files.version(viewer, { fileId, number });
      } catch (error) {
        if (!isDomainError(error)) throw error;
        await downloaded("FAILURE", { code: error.code });
        return void refuse(res, error);
      }
      const { file, version } = found;
      // Opened first, so a failure to open it is an error answer, not a cut-off download.
      const body = req.method === "HEAD" ? null : await deps.files.read(version);
      if (body) await downloaded("SUCCESS", { number: version.number });
      res.setHeader("Content-Type", "application/octet-stream");
      res.setHeader("Content-Length", String(version.size));
      res.setHeader("Content-Disposition", attachmentContentDisposition(baseName(file.path)));
      res.setHeader("ETag", `"${version.sha256}"`);
      // A version's bytes never change.
      res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
      if (!body) return void res.end();
      await pipeline(body, res).catch((error: unknown) => {
        if (!res.destroyed) deps.log.warn({ err: error, fileId }, "project file download failed");
      });
    },
  );

  return router;
}
