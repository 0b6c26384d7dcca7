import { z } from "zod";

/** pino's levels, accepted by `LOG_LEVEL`. */
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A whole number of at least `min` from its decimal text. */
export function wholeNumber(min: number) {
  return z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`));
}

/** `true` or `false`. */
export function flag() {
  return z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((v) => v === "true");
}

/**
 * The variables every BBOS process reads, with the same meaning and defaults everywhere:
 * `NODE_ENV`, `LOG_LEVEL`, `REDIS_URL` and `REDIS_PREFIX` (the one namespace of every Redis key
 * and queue of an installation, so two installations can share a Redis). Spread into a
 * process's shape.
 */
export const sharedVariables = {
  NODE_ENV: z
    .enum(["development", "production", "test"], {
      error: "must be development, production or test",
    })
    .default("development"),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` })
    .default("info"),
  // 127.0.0.1 rather than localhost: localhost may resolve to ::1 first.
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
    .default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,64}$/, "must be 1–64 letters, digits, '_', '-' or '.'")
    .default("bbos"),
};

/** Variables that may carry credentials in their URL. */
export const SECRET_VARIABLES = ["REDIS_URL", "DATABASE_URL"] as const;
