import { resolve } from "node:path";

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
  /** Where an installation keeps its files: artifacts (file-system storage), the dev signing key. */
  DATA_DIR: z
    .string()
    .min(1)
    .default("data")
    .transform((path) => resolve(path)),
  /**
   * The minisign secret key (unencrypted, `minisign -G -W`) that signs artifacts. Without it a
   * development key is generated under DATA_DIR on first start, with a warning.
   */
  SIGNING_KEY_FILE: z
    .string()
    .min(1)
    .transform((path) => resolve(path))
    .optional(),
  /**
   * The key ring that seals secret config values (one `<key id>:<32 bytes in base64>` per line;
   * the first seals, all open). Without it a development key ring is generated under DATA_DIR on
   * first start, with a warning.
   */
  SECRET_KEYS_FILE: z
    .string()
    .min(1)
    .transform((path) => resolve(path))
    .optional(),
  /** Store artifacts in this S3 bucket instead of under DATA_DIR (credentials: AWS_* variables). */
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  /** An S3-compatible endpoint instead of AWS, e.g. http://127.0.0.1:9000. */
  S3_ENDPOINT: z.url().optional(),
  /** Path-style bucket URLs (most S3-compatible servers need them). */
  S3_FORCE_PATH_STYLE: flag().default(false),
};

/** Variables that may carry credentials in their URL. */
export const SECRET_VARIABLES = ["REDIS_URL", "DATABASE_URL"] as const;
