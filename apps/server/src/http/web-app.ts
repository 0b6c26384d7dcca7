import { existsSync } from "node:fs";
import { join } from "node:path";

import express, { Router } from "express";

/**
 * Serves the built web app: static files, and index.html for client-side routes, so the
 * platform is one URL. API paths never fall through to the app.
 */
export function webAppRoutes(dist: string): Router {
  const index = join(dist, "index.html");
  if (!existsSync(index)) {
    throw new Error(`WEB_DIST=${dist} has no index.html; build the web app first (npm run build)`);
  }
  const router = Router();
  router.use(express.static(dist, { index: false, maxAge: "1h" }));
  router.get(/^\/(?!graphql|healthz|readyz|collab)(.*)$/, (_req, res) => {
    res.sendFile(index, { maxAge: 0 });
  });
  return router;
}
