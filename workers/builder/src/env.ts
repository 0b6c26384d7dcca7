import { z } from "zod";

// The only module that reads process.env (lint enforces it). Everything else receives a
// `BuilderEnv` and can be tested without touching the environment.

/** pino levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

// `VAR=` in a compose file or shell means "not set", so empty strings fall back to defaults
// instead of failing as "not a number".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema);

const integer = (min: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`));

// Values that may hold credentials are never echoed back in error messages.
const SECRET_VARIABLES = new Set(["REDIS_URL"]);

const envSchema = z.object({
  REDIS_URL: optional(
    z
      .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
      .default("redis://127.0.0.1:6379"),
  ),
  BUILDER_CONCURRENCY: optional(integer(1).default(1)),
  BUILDER_SHUTDOWN_GRACE_MS: optional(integer(0).default(30_000)),
  LOG_LEVEL: optional(
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
  REDIS_PREFIX: optional(
    z
      .string()
      .regex(/^[\w.-]{1,64}$/, "must be 1–64 letters, digits, '_', '-' or '.'")
      .default("bbos"),
  ),
});

/** The builder's validated configuration. */
export interface BuilderEnv {
  /** `REDIS_URL`, default `redis://127.0.0.1:6379` (127.0.0.1: `localhost` may try IPv6 first). */
  redisUrl: string;
  /** `BUILDER_CONCURRENCY`: builds run at the same time by this process, default 1. */
  concurrency: number;
  /** `BUILDER_SHUTDOWN_GRACE_MS`: how long SIGTERM waits for running builds, default 30000. */
  shutdownGraceMs: number;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: (typeof LOG_LEVELS)[number];
  /** `REDIS_PREFIX`: namespace of every key and queue, shared with the server, default `bbos`. */
  prefix: string;
}

/**
 * Validates the builder's environment.
 *
 * @throws Error whose message has one line per problem, e.g.
 * `  BUILDER_CONCURRENCY: must be a whole number (got "two")`. Values of variables that may hold
 * credentials (`REDIS_URL`) are not repeated.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): BuilderEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      const got = SECRET_VARIABLES.has(name) ? "" : ` (got ${JSON.stringify(source[name])})`;
      return `  ${name}: ${issue.message}${got}`;
    });
    throw new Error(`invalid builder environment:\n${problems.join("\n")}`);
  }
  const env = result.data;
  return {
    redisUrl: env.REDIS_URL,
    concurrency: env.BUILDER_CONCURRENCY,
    shutdownGraceMs: env.BUILDER_SHUTDOWN_GRACE_MS,
    logLevel: env.LOG_LEVEL,
    prefix: env.REDIS_PREFIX,
  };
}
