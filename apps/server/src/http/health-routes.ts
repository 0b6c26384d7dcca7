import { Router } from "express";
import type { Redis } from "ioredis";

import { pingDatabase, type Db } from "@bbos/db";

const CHECK_TIMEOUT_MS = 2000;

interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([probe(), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: String(error instanceof Error ? error.message : error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process answers. `/readyz`: PostgreSQL and Redis answer too (503 otherwise). */
export function healthRoutes(deps: { db: Db; redis: Redis }): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const [postgres, redis] = await Promise.all([
      check(() => pingDatabase(deps.db)),
      check(() => deps.redis.ping()),
    ]);
    const ok = postgres.ok && redis.ok;
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? "ok" : "unavailable", checks: { postgres, redis } });
  });
  return router;
}
