import express, { Router, type Request, type RequestHandler, type Response } from "express";

import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  ensureDevUser,
  type Db,
  type UserRow,
} from "@bbos/db";

import { refuseOversizedBodies } from "../http/request-limits.ts";
import type { Logger } from "../logger.ts";
import { originOf, type AuditLog } from "../services/audit-log.ts";
import { sessionPolicy, type AuthOptions } from "./auth-options.ts";
import { githubLoginRoutes } from "./github-login.ts";
import type { Identity } from "./identity.ts";
import {
  clearSessionCookie,
  createSessionToken,
  readSessionToken,
  SESSION_COOKIE,
  sessionCookieOptions,
} from "./session-cookie.ts";

/** Largest body an auth route reads: a login is a few dozen bytes. */
const MAX_AUTH_BODY_BYTES = 1024;
/** A GitHub-style login, the same rule as LOCAL_USER_LOGIN. */
const LOGIN_SHAPE = /^[a-zA-Z0-9-]{1,39}$/;
/** Rejected input is quoted only in part. */
const QUOTED_CHARS = 64;
const MAX_USER_AGENT_CHARS = 256;

/** Answers in the server's JSON error shape (GraphQL's, as the error handler does). */
function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** The login a dev-login body names, or the message saying what is wrong with it. */
function parseDevLogin(body: unknown): { login: string } | { problem: string } {
  const login: unknown =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>).login : undefined;
  if (typeof login !== "string") {
    return { problem: 'request body must be JSON of the form {"login": "alice"}' };
  }
  if (!LOGIN_SHAPE.test(login)) {
    const quoted = JSON.stringify(login.slice(0, QUOTED_CHARS));
    const more = login.length > QUOTED_CHARS ? "…" : "";
    return { problem: `login must be 1–39 letters, digits or '-' (got ${quoted}${more})` };
  }
  return { login };
}

/** The signed-in user as `GET /auth/session` shows it. */
function publicUser(user: UserRow) {
  return { id: user.id, login: user.login, name: user.name, avatarUrl: user.avatarUrl };
}

/**
 * The auth endpoints. Every mode: `GET /auth/session` answers `{"user": … | null, "signIn":
 * "github" | "dev" | null}` (how a user signs in here; null for a single-user installation),
 * and `POST /auth/logout` (204; ends the request's session and clears its cookie). Dev mode:
 * `POST /auth/dev/login` with `{"login": "alice"}` signs in as that user, creating it on first
 * use, and answers `{"user": …}` with the session cookie. GitHub mode: the OAuth flow of
 * github-login.ts under `/auth/github`.
 */
export function authRoutes(deps: {
  auth: AuthOptions;
  db: Db;
  log: Logger;
  identity: Identity;
  audit: AuditLog;
  /** Rate limit of the sign-in routes. */
  limitSignIns: RequestHandler;
}): Router {
  const { auth, db, identity } = deps;
  const router = Router();
  router.use("/auth", refuseOversizedBodies(MAX_AUTH_BODY_BYTES));
  router.get("/auth/session", async (req, res) => {
    const user = await identity.resolveViewer(req);
    res.set("Cache-Control", "no-store");
    res.json({
      user: user ? publicUser(user) : null,
      signIn: auth.mode === "local" ? null : auth.mode,
    });
  });
  if (auth.mode === "local") {
    // Nobody signs in to or out of a single-user installation: logging out changes nothing.
    router.post("/auth/logout", (_req, res) => {
      res.status(204).end();
    });
    return router;
  }

  const policy = sessionPolicy(auth);
  const cookie = sessionCookieOptions(policy);

  async function startSession(req: Request, res: Response, user: UserRow): Promise<void> {
    const token = createSessionToken();
    const now = new Date();
    await createSession(db, {
      token,
      userId: user.id,
      expiresAt: new Date(now.getTime() + policy.maxAgeMs),
      userAgent: req.get("user-agent")?.slice(0, MAX_USER_AGENT_CHARS) ?? null,
      // A sign-in always starts a new session and ends the one the request came with, so a
      // token planted in a browser beforehand (session fixation) never becomes signed in.
      replaces: readSessionToken(req),
      now,
    });
    // Housekeeping at sign-in, which is rare next to requests.
    await deleteExpiredSessions(db, { idleMs: policy.idleMs, now });
    res.set("Cache-Control", "no-store");
    res.cookie(SESSION_COOKIE, token, cookie);
    await signInEvent(req, user, "SUCCESS");
  }

  /** A sign-in, done or refused, in the audit trail (a refused one names no one). */
  function signInEvent(
    req: Request,
    user: UserRow | null,
    outcome: "SUCCESS" | "FAILURE",
    data: Record<string, string> = {},
  ): Promise<void> {
    return deps.audit.record({
      actor: user,
      origin: originOf(req),
      projectId: null,
      action: "signIn",
      target: { type: "User", id: user?.id ?? "" },
      outcome,
      data: { method: auth.mode, ...data },
    });
  }

  if (auth.mode === "dev") {
    router.post(
      "/auth/dev/login",
      deps.limitSignIns,
      express.json({ limit: MAX_AUTH_BODY_BYTES }),
      async (req, res) => {
        const parsed = parseDevLogin(req.body);
        if ("problem" in parsed) {
          await signInEvent(req, null, "FAILURE", { reason: "malformed login" });
          refuse(res, 400, "BAD_USER_INPUT", parsed.problem);
          return;
        }
        const user = await ensureDevUser(db, parsed.login);
        await startSession(req, res, user);
        res.json({ user: publicUser(user) });
      },
    );
  } else {
    router.use("/auth/github", deps.limitSignIns);
    router.use(
      githubLoginRoutes({
        options: auth,
        db,
        log: deps.log,
        startSession,
        refused: (req, reason) => signInEvent(req, null, "FAILURE", { reason }),
      }),
    );
  }

  router.post("/auth/logout", async (req, res) => {
    const token = readSessionToken(req);
    const user = await identity.resolveViewer(req);
    if (token) await deleteSession(db, token);
    if (user) {
      await deps.audit.record({
        actor: user,
        origin: originOf(req),
        projectId: null,
        action: "signOut",
        target: { type: "User", id: user.id },
        outcome: "SUCCESS",
      });
    }
    clearSessionCookie(res, policy);
    res.status(204).end();
  });
  return router;
}
