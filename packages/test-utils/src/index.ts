export { setupTestRun } from "./global-setup.ts";
export { testRedisUrl } from "./urls.ts";
export { createEmptyDatabase, createTestDatabase, migrateDatabase } from "./postgres.ts";
export { uniquePrefix } from "./redis.ts";
export { startPrivatePostgres, type PrivatePostgres } from "./private-postgres.ts";
export { freePort } from "./free-port.ts";
export {
  startFakeGithub,
  type FakeGithub,
  type FakeGithubApp,
  type FakeGithubUser,
} from "./fake-github.ts";
