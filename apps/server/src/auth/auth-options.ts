import type { UserRow } from "@bbos/db";

/** How long a session may go unused before it ends: 7 days. */
const DEFAULT_SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a session lasts at most, however active: 30 days. */
const DEFAULT_SESSION_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** A single-user installation: every request acts as `user`, and there is no login. */
export interface LocalAuthOptions {
  mode: "local";
  user: UserRow;
}

/** How long sessions last and how their cookie is sent; every mode with sign-in has them. */
export interface SessionOptions {
  /** A session unused for this long ends. @defaultValue 7 days */
  sessionIdleMs?: number;
  /** A session ends this long after sign-in. @defaultValue 30 days */
  sessionMaxAgeMs?: number;
  /** Mark the session cookie `Secure` (sent over HTTPS only). @defaultValue false */
  secureCookies?: boolean;
}

/**
 * The development login: `POST /auth/dev/login` signs in as any login, no password, creating
 * the user on first use. It gives developers and tests several identities without a GitHub app,
 * and must never run in production (env.ts refuses `AUTH_MODE=dev` there).
 */
export interface DevAuthOptions extends SessionOptions {
  mode: "dev";
}

/** Sign-in with a GitHub OAuth app (github.com or GitHub Enterprise Server). */
export interface GithubAuthOptions extends SessionOptions {
  mode: "github";
  clientId: string;
  clientSecret: string;
  /** Where GitHub sends the browser back: the server's public URL + `/auth/github/callback`. */
  callbackUrl: string;
  /** The web side, e.g. https://github.com or https://ghe.example.com. */
  githubUrl: string;
  /** The REST API, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  apiUrl: string;
  /**
   * Who may sign in: members of any of these organisations or teams ("org/team-slug"),
   * checked at every sign-in. Both empty: every GitHub user.
   */
  allowedOrgs: readonly string[];
  allowedTeams: readonly string[];
}

/** Who requests act for, chosen once per server. */
export type AuthOptions = LocalAuthOptions | DevAuthOptions | GithubAuthOptions;

/** The session settings of a mode with sessions, defaults filled in. */
export interface SessionPolicy {
  idleMs: number;
  maxAgeMs: number;
  secureCookies: boolean;
}

export function sessionPolicy(options: SessionOptions): SessionPolicy {
  return {
    idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    maxAgeMs: options.sessionMaxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS,
    secureCookies: options.secureCookies ?? false,
  };
}
