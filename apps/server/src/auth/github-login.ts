// Sign-in with a GitHub OAuth app, through passport-github2 without passport's sessions:
//
//   GET /auth/github[?returnTo=/path]  → 302 to GitHub's authorize page, with a fresh `state`
//                                        that is also kept in a short-lived cookie
//   GET /auth/github/callback          ← GitHub sends the browser back with `code` and `state`;
//                                        the state must match the cookie (403 otherwise), the
//                                        code is exchanged for a token, the user read, the
//                                        allowlist checked, then a session starts
//
// The state cookie binds the flow to the browser that started it, so a callback URL planted in
// another browser (login CSRF) fails. The GitHub token is used during the callback only and
// never stored.
import { randomBytes, timingSafeEqual } from "node:crypto";

import { parseCookie } from "cookie";
import { Router, type Request, type RequestHandler, type Response } from "express";
import { Passport, type AuthenticateCallback, type AuthenticateOptions } from "passport";
import type { StateStore } from "passport-oauth2";
import { Strategy as GitHubStrategy, type Profile } from "passport-github2";

import { upsertGithubUser, type Db, type UserRow } from "@bbos/db";

import type { Logger } from "../logger.ts";
import { sessionPolicy, type GithubAuthOptions } from "./auth-options.ts";
import { allowlistIsOpen, isAllowed } from "./github-allowlist.ts";

const STATE_COOKIE = "bbos_oauth_state";
const STATE_PATH = "/auth/github";
/** Time a user has on GitHub's pages before the flow must start again. */
const STATE_LIFETIME_MS = 10 * 60 * 1000;
const STATE_BYTES = 24;

/** What the state cookie carries: the nonce sent to GitHub and where to go afterwards. */
interface PendingSignIn {
  nonce: string;
  returnTo: string;
}

/**
 * A path on this server to return to after sign-in, or "/". Only a plain absolute path is kept:
 * `//evil.example` and `/\evil.example` are other hosts to a browser (an open redirect).
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 2048) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  return /^[\x21-\x7e]*$/.test(value) ? value : "/";
}

function sameNonce(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}

type StoreCallback = (error: Error | null, state?: string) => void;
type VerifyCallback = (error: Error | null, ok: boolean, info?: object) => void;

/**
 * passport-oauth2's state store, kept in the browser: `store` runs when the flow starts (4
 * arguments: passport passes the `state` option given to authenticate), `verify` at the
 * callback (3 arguments). passport tells the two shapes apart by their arity.
 */
function cookieStateStore(secure: boolean) {
  const cookie = { httpOnly: true, sameSite: "lax", secure, path: STATE_PATH } as const;
  return {
    store(req: Request, state: unknown, _meta: unknown, callback: StoreCallback): void {
      const pending: PendingSignIn = {
        nonce: randomBytes(STATE_BYTES).toString("base64url"),
        returnTo: safeReturnTo((state as { returnTo?: unknown } | undefined)?.returnTo),
      };
      req.res?.cookie(STATE_COOKIE, JSON.stringify(pending), {
        ...cookie,
        maxAge: STATE_LIFETIME_MS,
      });
      callback(null, pending.nonce);
    },
    verify(req: Request, provided: unknown, callback: VerifyCallback): void {
      const pending = readPending(req);
      // One use: whatever the outcome, this state cannot be replayed.
      req.res?.clearCookie(STATE_COOKIE, cookie);
      if (!pending) {
        callback(null, false, {
          message: "the sign-in was not started in this browser, or took longer than 10 minutes",
        });
      } else if (typeof provided !== "string" || !sameNonce(provided, pending.nonce)) {
        callback(null, false, { message: "the sign-in's state does not match this browser's" });
      } else {
        callback(null, true, { returnTo: pending.returnTo });
      }
    },
  };
}

function readPending(req: Request): PendingSignIn | null {
  const raw = parseCookie(req.headers.cookie ?? "")[STATE_COOKIE];
  if (raw === undefined) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<PendingSignIn>;
    return typeof parsed.nonce === "string" && typeof parsed.returnTo === "string"
      ? { nonce: parsed.nonce, returnTo: safeReturnTo(parsed.returnTo) }
      : null;
  } catch {
    return null;
  }
}

/** What passport hands the callback: a refusal's message, or the verified state. */
interface SignInInfo {
  message?: string;
  state?: { returnTo?: string };
}

type SignInCallback = (
  error: unknown,
  user: UserRow | false | undefined,
  info?: SignInInfo,
  status?: number,
) => void;

/** A sign-in that did not happen: the status to answer and a sentence for the user. */
interface Refusal {
  status: number;
  message: string;
}

/** The error page of a failed sign-in: plain HTML (the CSP allows no inline style or script). */
function refusePage(res: Response, refusal: Refusal): void {
  const text = refusal.message.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  res
    .status(refusal.status)
    .set("Cache-Control", "no-store")
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in failed · BBOS</title></head>` +
        `<body><h1>Sign-in with GitHub failed</h1><p>${text}</p><p><a href="/">Back to BBOS</a></p></body></html>`,
    );
}

export function githubLoginRoutes(deps: {
  options: GithubAuthOptions;
  db: Db;
  log: Logger;
  /** Starts a session for the user and sets its cookie. */
  startSession: (req: Request, res: Response, user: UserRow) => Promise<void>;
  /** Records a refused or failed sign-in. */
  refused: (req: Request, reason: string) => Promise<void>;
}): Router {
  const { options, db, log } = deps;
  const allowlist = { orgs: options.allowedOrgs, teams: options.allowedTeams };
  // read:org only where memberships are checked: private ones are hidden without it.
  const scope = allowlistIsOpen(allowlist) ? ["read:user"] : ["read:user", "read:org"];
  const passport = new Passport();
  passport.use(
    new GitHubStrategy(
      {
        clientID: options.clientId,
        clientSecret: options.clientSecret,
        callbackURL: options.callbackUrl,
        authorizationURL: `${options.githubUrl}/login/oauth/authorize`,
        tokenURL: `${options.githubUrl}/login/oauth/access_token`,
        userProfileURL: `${options.apiUrl}/user`,
        scope,
        userAgent: "bbos",
        // The typings know only the 2- and 3-argument store shapes; passport-oauth2 calls the
        // 4-argument one, which receives the state option, at runtime.
        store: cookieStateStore(sessionPolicy(options).secureCookies) as unknown as StateStore,
      },
      (
        accessToken: string,
        _refreshToken: string,
        profile: Profile,
        done: (error: unknown, user?: UserRow | false, info?: object) => void,
      ) => {
        verifyProfile(accessToken, profile).then(
          (outcome) => (outcome.user ? done(null, outcome.user) : done(null, false, outcome)),
          (error: unknown) => done(error),
        );
      },
    ),
  );

  async function verifyProfile(
    accessToken: string,
    profile: Profile,
  ): Promise<{ user: UserRow } | { user?: undefined; message: string }> {
    if (!(await isAllowed(allowlist, options.apiUrl, accessToken))) {
      log.info({ login: profile.username }, "github sign-in refused by the allowlist");
      return {
        message: `${profile.username ?? "this account"} is not a member of an organisation or team allowed to use this BBOS installation`,
      };
    }
    const user = await upsertGithubUser(db, {
      githubId: BigInt(profile.id),
      login: profile.username ?? profile.id,
      name: profile.displayName || null,
      email: profile.emails?.[0]?.value ?? null,
      avatarUrl: profile.photos?.[0]?.value ?? null,
      lastLoginAt: new Date(),
    });
    return { user };
  }

  // passport's typings answer `any` and type the callback loosely; this is what it does here.
  const authenticate = (start: AuthenticateOptions, callback?: SignInCallback) =>
    passport.authenticate("github", start, callback as AuthenticateCallback) as RequestHandler;

  const router = Router();
  router.get(STATE_PATH, (req, res, next) => {
    // An object state goes to the store; a string would be sent to GitHub as is, unchecked
    // (passport-oauth2's behaviour), so the typings' `state?: string` is not what is wanted.
    const start = { session: false, state: { returnTo: req.query.returnTo } };
    authenticate(start as unknown as AuthenticateOptions)(req, res, next);
  });
  router.get(`${STATE_PATH}/callback`, (req, res, next) => {
    authenticate({ session: false }, (error, user, info, status) => {
      if (error) {
        // A wrong client secret, a reused code, GitHub unreachable, or the database.
        log.warn({ err: error }, "github sign-in failed");
        void deps.refused(req, "GitHub did not complete the sign-in");
        refusePage(res, {
          status: 502,
          message:
            "GitHub did not complete the sign-in. Try again; if it keeps failing, the " +
            "installation's GitHub app settings may be wrong (the server's log says more).",
        });
        return;
      }
      if (!user) {
        const reason = info?.message?.replace(/\.$/, "");
        void deps.refused(req, reason ?? "refused");
        refusePage(res, {
          status: status ?? 403,
          message: reason ? `Not signed in: ${reason}.` : "Not signed in.",
        });
        return;
      }
      deps
        .startSession(req, res, user)
        .then(() => res.redirect(303, info?.state?.returnTo ?? "/"), next);
    })(req, res, next);
  });
  return router;
}
