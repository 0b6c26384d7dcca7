export { adminDatabaseUrl, testRedisUrl, withDatabase } from "./urls.ts";
export {
  createEmptyDatabase,
  createTestDatabase,
  migrateDatabase,
  prepareTestDatabases,
} from "./postgres.ts";
export { removeRedisKeys, uniquePrefix } from "./redis.ts";
