import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import pg from "pg";

import { isAbandoned, TEST_RUN_NAMES, testRunTag } from "./test-run.ts";
import { adminDatabaseUrl, withDatabase } from "./urls.ts";

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminDatabaseUrl()} (set TEST_DATABASE_URL): ${String(error)}`,
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const templateName = () => `${testRunTag()}_template`;

async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
}

async function databasesLike(client: pg.Client, pattern: string): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE $1",
    [pattern],
  );
  return rows.map((row) => row.datname);
}

/** Applies the project's migrations to `url` through the same command users run. */
export function migrateDatabase(url: string): void {
  const require = createRequire(import.meta.url);
  const dbPackage = dirname(require.resolve("@bbos/db/package.json"));
  const result = spawnSync(
    process.execPath,
    [require.resolve("tsx/cli"), join(dbPackage, "scripts/prisma.ts"), "migrate"],
    { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" },
  );
  if (result.status !== 0) {
    throw new Error(`migrating ${url} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Drops the databases of test runs that provably ended (killed runs leave them behind). */
export async function dropAbandonedDatabases(): Promise<string[]> {
  return withAdmin(async (client) => {
    const abandoned = (await databasesLike(client, TEST_RUN_NAMES.like)).filter(isAbandoned);
    for (const name of abandoned) await dropDatabase(client, name);
    return abandoned;
  });
}

/**
 * Builds this run's migrated template, so each test file gets its database with a cheap
 * `CREATE DATABASE … TEMPLATE`. Returns the teardown that drops every database of the run.
 */
export async function prepareTestDatabases(): Promise<() => Promise<void>> {
  await withAdmin((client) => client.query(`CREATE DATABASE ${quote(templateName())}`));
  migrateDatabase(withDatabase(adminDatabaseUrl(), templateName()));
  return () =>
    withAdmin(async (client) => {
      for (const name of await databasesLike(client, `${testRunTag()}\\_%`)) {
        await dropDatabase(client, name);
      }
    });
}

/** A fresh, migrated database for one test file or worker; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `${testRunTag()}_${randomUUID().slice(0, 8)}`;
  await withAdmin((client) =>
    client.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(templateName())}`),
  );
  return withDatabase(adminDatabaseUrl(), name);
}

/** An empty database (no migrations applied); dropped by the returned function. */
export async function createEmptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${testRunTag()}_empty_${randomUUID().slice(0, 8)}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${quote(name)}`));
  return {
    url: withDatabase(adminDatabaseUrl(), name),
    drop: () => withAdmin((client) => dropDatabase(client, name)),
  };
}
