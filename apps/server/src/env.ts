// The only module that reads process.env. Invalid configuration stops the process at boot with
// every problem listed, not the first one found.
import { resolve } from "node:path";

import { z } from "zod";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z
    .string({ error: "is required (e.g. postgresql://USER@127.0.0.1:5432/bbos)" })
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .default("redis://127.0.0.1:6379"),
  /** Namespace of every Redis key and queue of this installation; the worker uses the same. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,64}$/, "must be 1–64 letters, digits, '_', '-' or '.'")
    .default("bbos"),
  /** Schema introspection over /graphql. @defaultValue on, except with NODE_ENV=production */
  GRAPHQL_INTROSPECTION: z.enum(["true", "false"]).optional(),
  LOG_LEVEL: z.enum(logLevels).default("info"),
  /** Built web app to serve at `/`; unset serves the API only. */
  WEB_DIST: z.string().min(1).optional(),
  /**
   * `local`: a single-user installation; every request acts as LOCAL_USER_LOGIN.
   * GitHub login is another mode, added with the auth flow.
   */
  AUTH_MODE: z.enum(["local"]).default("local"),
  LOCAL_USER_LOGIN: z
    .string()
    .regex(/^[a-zA-Z0-9-]{1,39}$/)
    .default("demo"),
});

export type Env = Omit<z.infer<typeof schema>, "GRAPHQL_INTROSPECTION"> & {
  GRAPHQL_INTROSPECTION: boolean;
  /** Reported by `health`: the package version when started through npm, else "dev". */
  version: string;
};

/** Parses the environment; throws an Error listing every invalid variable, one per line. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  const env = {
    ...result.data,
    GRAPHQL_INTROSPECTION: result.data.GRAPHQL_INTROSPECTION
      ? result.data.GRAPHQL_INTROSPECTION === "true"
      : result.data.NODE_ENV !== "production",
    version: source.npm_package_version ?? "dev",
  };
  return env.WEB_DIST ? { ...env, WEB_DIST: resolve(env.WEB_DIST) } : env;
}
