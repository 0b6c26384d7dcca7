// Prisma without native engines, on a machine that reaches only the npm registry.
//
//   generate        Prisma 7 client (query compiler + pg driver adapter, no native engine)
//   migrate         apply pending migrations to DATABASE_URL (Prisma 6.19 CLI, Wasm engine)
//   new <name>      write prisma/migrations/<timestamp>_<name>/ from the schema changes
//   check           fail if schema.prisma has changes that no migration carries
//   sql             print the SQL that creates the current schema in an empty database
//
// Each migration folder keeps a copy of the schema it produces (schema.prisma). New migrations are
// the datamodel diff from the newest copy to the current schema, so authoring needs no database
// and no shadow database (the Wasm engine cannot introspect PostgreSQL: prisma/orm#27403).
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";

import { migrationPaths as paths } from "./paths.ts";

const require = createRequire(import.meta.url);
const SNAPSHOT = "schema.prisma";

/** Both CLIs insist on an engine path before doing anything; nothing here executes it. */
function cliEnv(): NodeJS.ProcessEnv {
  mkdirSync(paths.cache, { recursive: true });
  const placeholder = join(paths.cache, "no-native-engine");
  if (!existsSync(placeholder)) writeFileSync(placeholder, "");
  return {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  };
}

/** The 6.19 CLI rejects a datasource without `url`; Prisma 7 rejects one with it. */
function toV6Schema(schema: string): string {
  const withUrl = schema.replace(
    /datasource\s+db\s*\{([^}]*)\}/,
    (_block, body: string) => `datasource db {${body}  url = env("DATABASE_URL")\n}`,
  );
  if (withUrl === schema)
    throw new Error("prisma/schema.prisma has no `datasource db { … }` block");
  return withUrl;
}

function writeV6Copy(source: string, target: string): string {
  mkdirSync(paths.cache, { recursive: true });
  writeFileSync(target, toV6Schema(readFileSync(source, "utf8")));
  return target;
}

function run(cli: "prisma" | "prisma6", args: string[], options: { capture?: boolean } = {}) {
  const entry = require.resolve(`${cli}/build/index.js`);
  const result = spawnSync(process.execPath, [entry, ...args], {
    cwd: paths.root,
    env: cliEnv(),
    stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `prisma ${args[0]} ${args[1] ?? ""} failed (exit ${result.status ?? "signal"})`,
    );
  }
  return result.stdout ?? "";
}

function migrationDirs(): string[] {
  if (!existsSync(paths.migrations)) return [];
  return readdirSync(paths.migrations, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** SQL that takes the newest migration's schema to the current one; "" when nothing changed. */
function pendingSql(): string {
  const latest = migrationDirs().at(-1);
  return latest ? diffSql(join(paths.migrations, latest, SNAPSHOT)) : diffSql(null);
}

/** SQL from `fromSchema` (null: an empty database) to the current schema. */
function diffSql(fromSchema: string | null): string {
  useAnyDatabaseForDiff();
  const from = fromSchema
    ? ["--from-schema-datamodel", writeV6Copy(fromSchema, join(paths.cache, "from.prisma"))]
    : ["--from-empty"];
  const to = writeV6Copy(paths.schema, paths.v6Schema);
  const sql = run(
    "prisma6",
    ["migrate", "diff", "--config", configPath(), ...from, "--to-schema-datamodel", to, "--script"],
    {
      capture: true,
    },
  );
  return /^\s*-- This is an empty migration\.\s*$/.test(sql) ? "" : sql;
}

function configPath(): string {
  return resolve(import.meta.dirname, "../migrate.config.ts");
}

function requireDatabaseUrl(): void {
  if (!process.env.DATABASE_URL) {
    throw new Error("DATABASE_URL is not set (e.g. postgresql://USER@127.0.0.1:5432/bbos)");
  }
}

/**
 * In adapter mode the 6.19 CLI connects even for a datamodel-only diff, though it reads nothing.
 * It gets the server's maintenance database, which exists before any of ours does.
 */
function useAnyDatabaseForDiff(): void {
  const url = new URL(
    process.env.DATABASE_URL ?? `postgresql://${userInfo().username}@127.0.0.1:5432/postgres`,
  );
  url.pathname = "/postgres";
  process.env.DATABASE_URL = url.toString();
}

function timestamp(): string {
  return new Date().toISOString().replace(/\D/g, "").slice(0, 14);
}

const commands: Record<string, (args: string[]) => void> = {
  generate() {
    run("prisma", ["generate", "--schema", paths.schema]);
  },
  migrate() {
    requireDatabaseUrl();
    writeV6Copy(paths.schema, paths.v6Schema);
    run("prisma6", ["migrate", "deploy", "--config", configPath()]);
  },
  new([name]) {
    if (!name || !/^[a-z0-9_]+$/.test(name)) {
      throw new Error("usage: npm run db:migration:new -- <name in snake_case>");
    }
    const sql = pendingSql();
    if (!sql) {
      console.log("schema.prisma matches the newest migration: nothing to write.");
      return;
    }
    const dir = join(paths.migrations, `${timestamp()}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    copyFileSync(paths.schema, join(dir, SNAPSHOT));
    console.log(`wrote ${dir}/migration.sql; review it, then apply with npm run db:migrate`);
  },
  check() {
    const sql = pendingSql();
    if (sql) {
      console.error(sql);
      throw new Error(
        "schema.prisma has changes no migration carries: npm run db:migration:new -- <name>",
      );
    }
    console.log("migrations are up to date with schema.prisma");
  },
  sql() {
    process.stdout.write(diffSql(null));
  },
};

const [command = "", ...rest] = process.argv.slice(2);
const handler = commands[command];
if (!handler) {
  console.error(`usage: prisma.ts ${Object.keys(commands).join("|")}`);
  process.exit(2);
}
try {
  handler(rest);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
