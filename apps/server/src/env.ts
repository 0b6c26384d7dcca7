// The only module that reads process.env. Invalid configuration stops the process at boot with
// every problem listed, not the first one found (the convention of @bbos/env).
import { resolve } from "node:path";

import { z } from "zod";

import { flag, loadEnv, SECRET_VARIABLES, sharedVariables, wholeNumber } from "@bbos/env";

/** A comma-separated list, each item checked by `item`; unset is empty. */
function commaList(item: z.ZodType<string, string>) {
  return z
    .string()
    .transform((list) =>
      list
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item))
    .default([]);
}

const variables = {
  ...sharedVariables,
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: wholeNumber(0).pipe(z.number().max(65535, "must be at most 65535")).default(4000),
  DATABASE_URL: z
    .string({ error: "is required (e.g. postgresql://USER@127.0.0.1:5432/bbos)" })
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
  /** Schema introspection over /graphql. @defaultValue on, except with NODE_ENV=production */
  GRAPHQL_INTROSPECTION: flag().optional(),
  /** Built web app to serve at `/`; unset serves the API only. */
  WEB_DIST: z
    .string()
    .min(1)
    .transform((path) => resolve(path))
    .optional(),
  /**
   * `local`: a single-user installation; every request acts as LOCAL_USER_LOGIN.
   * `dev`: the development login (`POST /auth/dev/login` signs in as any login, no password);
   * refused with NODE_ENV=production.
   * `github`: sign-in with the GitHub OAuth app GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET.
   * @defaultValue `github` when GITHUB_CLIENT_ID is set, else `local`
   */
  AUTH_MODE: z
    .enum(["local", "dev", "github"], { error: "must be local, dev or github" })
    .optional(),
  /** The URL users reach this server at; GitHub sends them back to it after sign-in. */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** GitHub's web address; a GitHub Enterprise Server's for GHES. */
  GITHUB_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://github.com"),
  /** @defaultValue https://api.github.com for github.com, else GITHUB_URL + /api/v3 */
  GITHUB_API_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  /** Only members of these GitHub organisations may sign in (comma-separated). */
  GITHUB_ALLOWED_ORGS: commaList(
    z.string().regex(/^[A-Za-z0-9-]{1,39}$/, "must be an organisation login"),
  ),
  /** Only members of these teams may sign in, as org/team-slug (comma-separated). */
  GITHUB_ALLOWED_TEAMS: commaList(
    z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9_.-]+$/, "must be an org/team-slug pair"),
  ),
  LOCAL_USER_LOGIN: z
    .string()
    .regex(/^[a-zA-Z0-9-]{1,39}$/, "must be a GitHub-style login")
    .default("demo"),
  /**
   * Origins besides the server's own whose pages may open WebSockets with the user's cookie,
   * comma-separated (e.g. a separate web dev server). Each must be scheme://host[:port].
   */
  ALLOWED_ORIGINS: commaList(
    z.url().regex(/^https?:\/\/[^/]+$/, "must be scheme://host[:port] without a path"),
  ),
  /** Largest collab (Yjs) WebSocket message, in bytes. @defaultValue 1 MiB */
  COLLAB_MAX_MESSAGE_BYTES: wholeNumber(1024).default(1024 * 1024),
  /**
   * Largest project file an upload may store, in bytes; at most 1 GiB (sizes are 32-bit in the
   * database, and files are overlays and scripts, not images).
   * @defaultValue 64 MiB (the file service's default)
   */
  PROJECT_FILE_MAX_BYTES: wholeNumber(1)
    .pipe(z.number().max(1024 ** 3, "must be at most 1073741824 (1 GiB)"))
    .optional(),
  /** Set by npm when started through `npm start`; reported by `health`. */
  npm_package_version: z.string().default("dev"),
};

/** The server's validated configuration, under the variables' names. */
export type Env = ReturnType<typeof readServerEnv>;

/**
 * Problems that involve several variables, which loadEnv's one schema per variable cannot see.
 * Read from the raw values: only the exact strings parse to the values checked here.
 */
function combinationProblems(source: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  const mode = source.AUTH_MODE ?? (source.GITHUB_CLIENT_ID ? "github" : "local");
  const production = source.NODE_ENV === "production";
  if (mode === "dev" && production) {
    problems.push(
      "  AUTH_MODE: dev lets anyone sign in as anyone, so it is refused with " +
        'NODE_ENV=production (got "dev")',
    );
  }
  if (mode === "github") {
    for (const name of ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"] as const) {
      if (!source[name]) {
        problems.push(`  ${name}: is required with AUTH_MODE=github (from the GitHub OAuth app)`);
      }
    }
    if (production && !source.PUBLIC_URL?.startsWith("https://")) {
      problems.push(
        "  PUBLIC_URL: must be the server's https:// address with AUTH_MODE=github and " +
          "NODE_ENV=production (session cookies are Secure there)",
      );
    }
  }
  return problems;
}

/** Parses the environment; throws an Error listing every invalid variable, one per line. */
export function readServerEnv(source: Readonly<Record<string, string | undefined>> = process.env) {
  const combined = combinationProblems(source);
  let env;
  try {
    env = loadEnv(variables, source, {
      process: "server",
      secrets: [...SECRET_VARIABLES, "GITHUB_CLIENT_SECRET"],
    });
  } catch (error) {
    // One list of every problem, the combinations' after loadEnv's.
    if (combined.length === 0 || !(error instanceof Error)) throw error;
    throw new Error([error.message, ...combined].join("\n"), { cause: error });
  }
  if (combined.length > 0) {
    throw new Error(`invalid server configuration:\n${combined.join("\n")}`);
  }
  return {
    ...env,
    AUTH_MODE: env.AUTH_MODE ?? (env.GITHUB_CLIENT_ID ? "github" : "local"),
    PUBLIC_URL:
      env.PUBLIC_URL ?? `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${env.PORT}`,
    GITHUB_API_URL:
      env.GITHUB_API_URL ??
      (env.GITHUB_URL === "https://github.com"
        ? "https://api.github.com"
        : `${env.GITHUB_URL}/api/v3`),
    GRAPHQL_INTROSPECTION: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== "production",
  };
}
