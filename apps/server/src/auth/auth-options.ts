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

/**
 * The development login: `POST /auth/dev/login` signs in as any login, no password, creating
 * the user on first use. It gives tests and developers several identities before GitHub login
 * exists, and must never run in production (env.ts refuses `AUTH_MODE=dev` there).
 */
export interface DevAuthOptions {
  mode: "dev";
  /** A session unused for this long ends. @defaultValue 7 days */
  sessionIdleMs?: number;
  /** A session ends this long after sign-in. @defaultValue 30 days */
  sessionMaxAgeMs?: number;
  /** Mark the session cookie `Secure` (sent over HTTPS only). @defaultValue false */
  secureCookies?: boolean;
}

/** Who requests act for, chosen once per server. */
export type AuthOptions = LocalAuthOptions | DevAuthOptions;

/** The session settings of a mode with sessions, defaults filled in. */
export interface SessionPolicy {
  idleMs: number;
  maxAgeMs: number;
  secureCookies: boolean;
}

export function sessionPolicy(options: DevAuthOptions): SessionPolicy {
  return {
    idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    maxAgeMs: options.sessionMaxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS,
    secureCookies: options.secureCookies ?? false,
  };
}
