import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";

import compression from "compression";
import express, { Router, type Response } from "express";

/** Vite's output: every file under `assets/` has a content hash in its name. */
const HASHED_DIR = "assets";
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Stored, but revalidated on every use (a 304 via the ETag), so a deploy is picked up at once. */
const REVALIDATE = "no-cache";

/**
 * First path segments of the API's routes. They are mounted before the app, but a path they do
 * not know must get their 404, not index.html, and their responses (event streams, artifact
 * downloads) must never pass through the compression here.
 */
const API_SEGMENTS = [
  "graphql",
  "healthz",
  "readyz",
  "collab",
  "auth",
  "artifacts",
  "builds",
  "files",
  "share",
  ".well-known",
];
const API_PATH = new RegExp(
  `^/(?:${API_SEGMENTS.map((segment) => segment.replaceAll(".", "\\.")).join("|")})(?:/|$)`,
);
/** A file under `assets/` that is gone (an old hash after a deploy) is a 404, not HTML. */
const CLIENT_ROUTE = new RegExp(`^/(?!${HASHED_DIR}(?:/|$))`);

/**
 * Serves the built web app: static files, and index.html for client-side routes, so the
 * platform is one URL. API paths never fall through to the app.
 *
 * Responses are compressed here (brotli when the client accepts it, else gzip) and only here:
 * the API's streamed responses and artifact downloads, mounted before, are never buffered.
 * Hashed assets are cached for a year; index.html and the other unhashed files are revalidated.
 */
export function webAppRoutes(dist: string): Router {
  const index = join(dist, "index.html");
  if (!existsSync(index)) {
    throw new Error(`WEB_DIST=${dist} has no index.html; build the web app first (npm run build)`);
  }
  const router = Router();
  // Leaves this router altogether, to the API's own 404 (or error handler) after it.
  router.use((req, _res, next) => {
    if (API_PATH.test(req.path)) next("router");
    else next();
  });
  router.use(compression());
  router.use(
    express.static(dist, {
      index: false,
      cacheControl: false,
      setHeaders: (res: Response, path: string) => {
        const hashed = relative(dist, path).startsWith(HASHED_DIR + sep);
        res.setHeader("Cache-Control", hashed ? IMMUTABLE : REVALIDATE);
      },
    }),
  );
  router.get(CLIENT_ROUTE, (_req, res) => {
    res.sendFile(index, { cacheControl: false, headers: { "Cache-Control": REVALIDATE } });
  });
  return router;
}
