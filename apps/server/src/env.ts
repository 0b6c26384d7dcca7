// The only module that reads process.env. Invalid configuration stops the process at boot with
// every problem listed, not the first one found (the convention of @bbos/env).
import { resolve } from "node:path";

import { z } from "zod";

import { flag, loadEnv, SECRET_VARIABLES, sharedVariables, wholeNumber } from "@bbos/env";

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
   * refused with NODE_ENV=production. GitHub login is another mode, added with the auth flow.
   */
  AUTH_MODE: z.enum(["local", "dev"], { error: "must be local or dev" }).default("local"),
  LOCAL_USER_LOGIN: z
    .string()
    .regex(/^[a-zA-Z0-9-]{1,39}$/, "must be a GitHub-style login")
    .default("demo"),
  /**
   * Origins besides the server's own whose pages may open WebSockets with the user's cookie,
   * comma-separated (e.g. a separate web dev server). Each must be scheme://host[:port].
   */
  ALLOWED_ORIGINS: z
    .string()
    .transform((list) =>
      list
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.url().regex(/^https?:\/\/[^/]+$/, "must be scheme://host[:port] without a path")),
    )
    .default([]),
  /** Largest collab (Yjs) WebSocket message, in bytes. @defaultValue 1 MiB */
  COLLAB_MAX_MESSAGE_BYTES: wholeNumber(1024).default(1024 * 1024),
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
  if (source.AUTH_MODE === "dev" && source.NODE_ENV === "production") {
    problems.push(
      "  AUTH_MODE: dev lets anyone sign in as anyone, so it is refused with " +
        'NODE_ENV=production (got "dev")',
    );
  }
  return problems;
}

/** Parses the environment; throws an Error listing every invalid variable, one per line. */
export function readServerEnv(source: Readonly<Record<string, string | undefined>> = process.env) {
  const combined = combinationProblems(source);
  let env;
  try {
    env = loadEnv(variables, source, { process: "server", secrets: SECRET_VARIABLES });
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
    GRAPHQL_INTROSPECTION: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== "production",
  };
}
