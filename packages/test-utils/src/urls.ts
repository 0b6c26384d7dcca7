import { userInfo } from "node:os";

// 127.0.0.1 rather than localhost: localhost may resolve to ::1 first, where the local
// services may not listen.

/** A PostgreSQL URL whose role may create and drop databases. @defaultValue local server, OS user */
export function adminDatabaseUrl(): string {
  return (
    process.env.TEST_DATABASE_URL ?? `postgresql://${userInfo().username}@127.0.0.1:5432/postgres`
  );
}

/** The Redis the tests use. @defaultValue redis://127.0.0.1:6379 */
export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** `base` with its database name replaced. */
export function withDatabase(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}
