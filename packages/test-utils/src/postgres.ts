import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";

import pg from "pg";

import { adminDatabaseUrl, withDatabase } from "./urls.ts";

// Vitest runs each workspace's tests from its folder; workspaces test in parallel, so each owns the
// databases under its own prefix and never drops another's.
const scope = basename(process.cwd())
  .replace(/[^a-z0-9]/gi, "_")
  .toLowerCase();
const TEST_PREFIX = `bbos_test_${scope}_`;
const TEMPLATE = `${TEST_PREFIX}template`;

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

async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
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

/**
 * Vitest global setup: drops databases left by earlier runs and builds one migrated template,
 * so each test worker gets its database with a cheap `CREATE DATABASE … TEMPLATE`.
 */
export async function prepareTestDatabases(): Promise<void> {
  await withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${TEST_PREFIX}%`],
    );
    for (const { datname } of rows) await dropDatabase(client, datname);
    await client.query(`CREATE DATABASE ${quote(TEMPLATE)}`);
  });
  migrateDatabase(withDatabase(adminDatabaseUrl(), TEMPLATE));
}

/** A fresh, migrated database for one test file or worker; returns its URL. */
export async function createTestDatabase(
  label = process.env.VITEST_POOL_ID ?? "0",
): Promise<string> {
  const name = `${TEST_PREFIX}${label}_${randomUUID().slice(0, 8)}`;
  await withAdmin((client) =>
    client.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(TEMPLATE)}`),
  );
  return withDatabase(adminDatabaseUrl(), name);
}

/** An empty database (no migrations applied); dropped by the returned function. */
export async function createEmptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${TEST_PREFIX}empty_${randomUUID().slice(0, 8)}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${quote(name)}`));
  return {
    url: withDatabase(adminDatabaseUrl(), name),
    drop: () => withAdmin((client) => dropDatabase(client, name)),
  };
}
