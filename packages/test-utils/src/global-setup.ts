import { dropAbandonedDatabases, prepareTestDatabases } from "./postgres.ts";
import { removeAbandonedRedisKeys } from "./redis.ts";
import { claimTestRun } from "./test-run.ts";

/**
 * Vitest global setup shared by every workspace: claims the run (see test-run.ts), removes what
 * killed runs left behind, and, with `databases`, builds the run's migrated template database.
 * Returns the teardown that drops the run's databases.
 */
export async function setupTestRun(options: { databases: boolean }): Promise<() => Promise<void>> {
  claimTestRun();
  await Promise.all([dropAbandonedDatabases(), removeAbandonedRedisKeys()]);
  return options.databases ? prepareTestDatabases() : () => Promise.resolve();
}
