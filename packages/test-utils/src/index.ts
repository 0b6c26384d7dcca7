export { setupTestRun } from "./global-setup.ts";
export { adminDatabaseUrl, testRedisUrl, withDatabase } from "./urls.ts";
export { createEmptyDatabase, createTestDatabase, migrateDatabase } from "./postgres.ts";
export { removeRedisKeys, uniquePrefix } from "./redis.ts";
export { isAbandoned, testRunTag } from "./test-run.ts";
