// The only module that reads process.env (lint enforces it), in the convention of @bbos/env.
// Everything else receives a `BuilderEnv` and can be tested without touching the environment.
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";

import { z } from "zod";

import { flag, loadEnv, SECRET_VARIABLES, sharedVariables, wholeNumber } from "@bbos/env";

const variables = {
  ...sharedVariables,
  DATABASE_URL: z
    .string({ error: "is required (e.g. postgresql://USER@127.0.0.1:5432/bbos)" })
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
  /** The Docker engine, e.g. unix:///var/run/docker.sock or tcp://host:2375. */
  DOCKER_HOST: z
    .string()
    .regex(
      /^(unix:\/\/\/.+|tcp:\/\/[^/:]+:\d+)$/,
      "must be unix:///absolute/path or tcp://host:port",
    )
    .optional(),
  /** Builds run at the same time by this process, each in its own container. */
  BUILDER_CONCURRENCY: wholeNumber(1).default(1),
  /** How long SIGTERM waits for running builds before handing them back to the queue. */
  BUILDER_SHUTDOWN_GRACE_MS: wholeNumber(0).default(30_000),
  /** Parent of the builds' work directories. @defaultValue DATA_DIR/work */
  BUILDER_WORK_DIR: z
    .string()
    .min(1)
    .transform((path) => resolve(path))
    .optional(),
  /** The cache builds on this worker share (apt packages, root filesystems). @defaultValue DATA_DIR/cache */
  BUILDER_CACHE_DIR: z
    .string()
    .min(1)
    .transform((path) => resolve(path))
    .optional(),
  /** The cache's size limit in GiB: least recently used entries go first. */
  BUILDER_CACHE_GB: wholeNumber(1).default(20),
  /**
   * Whether recipe steps that need a privileged container (the armbian recipe's build) run on
   * this worker. Off by default: a privileged container can take over its host.
   */
  BUILDER_ALLOW_PRIVILEGED: flag().default(false),
  /** CPU cores each build's container may use. @defaultValue all of this machine's */
  BUILDER_CPUS: wholeNumber(1).default(availableParallelism()),
  /** Memory each build's container may use, in MiB. */
  BUILDER_MEMORY_MB: wholeNumber(256).default(8192),
  /** Longest a build may run, in minutes. */
  BUILDER_TIMEOUT_MINUTES: wholeNumber(1).default(180),
  /** Debian archive for the builder image; detected from apt's configuration when unset. */
  DEBIAN_MIRROR: z.url().optional(),
  /**
   * Debian security archive for images (`<release>-security`, which ordinary mirrors do not
   * carry); detected from apt's configuration when unset.
   */
  DEBIAN_SECURITY_MIRROR: z.url().optional(),
};

/** The builder's validated configuration, under the variables' names. */
export type BuilderEnv = ReturnType<typeof readBuilderEnv>;

/**
 * Validates the builder's environment.
 *
 * @throws Error whose message has one line per problem, e.g.
 * `  BUILDER_CONCURRENCY: must be a whole number (got "two")`. Values of variables that may hold
 * credentials (`REDIS_URL`, `DATABASE_URL`) are not repeated.
 */
export function readBuilderEnv(source: Readonly<Record<string, string | undefined>> = process.env) {
  const env = loadEnv(variables, source, { process: "builder", secrets: SECRET_VARIABLES });
  return {
    ...env,
    BUILDER_WORK_DIR: env.BUILDER_WORK_DIR ?? join(env.DATA_DIR, "work"),
    BUILDER_CACHE_DIR: env.BUILDER_CACHE_DIR ?? join(env.DATA_DIR, "cache"),
  };
}
