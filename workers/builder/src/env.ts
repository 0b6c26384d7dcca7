// The only module that reads process.env (lint enforces it), in the convention of @bbos/env.
// Everything else receives a `BuilderEnv` and can be tested without touching the environment.
import { loadEnv, SECRET_VARIABLES, sharedVariables, wholeNumber } from "@bbos/env";

const variables = {
  ...sharedVariables,
  /** Builds run at the same time by this process. */
  BUILDER_CONCURRENCY: wholeNumber(1).default(1),
  /** How long SIGTERM waits for running builds before handing them back to the queue. */
  BUILDER_SHUTDOWN_GRACE_MS: wholeNumber(0).default(30_000),
};

/** The builder's validated configuration, under the variables' names. */
export type BuilderEnv = ReturnType<typeof readBuilderEnv>;

/**
 * Validates the builder's environment.
 *
 * @throws Error whose message has one line per problem, e.g.
 * `  BUILDER_CONCURRENCY: must be a whole number (got "two")`. Values of variables that may hold
 * credentials (`REDIS_URL`) are not repeated.
 */
export function readBuilderEnv(source: Readonly<Record<string, string | undefined>> = process.env) {
  return loadEnv(variables, source, { process: "builder", secrets: SECRET_VARIABLES });
}
