// Checks that PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL; starts local servers where
// this machine has them installed, and otherwise says exactly what is missing.
//   tsx scripts/services.ts [--create-database]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

import { Redis } from "ioredis";
import pg from "pg";

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
if (!databaseUrl) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}

async function postgresAnswers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(url: string): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined); // reported through the rejected connect() below
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    redis.disconnect();
  }
}

const isLocal = (url: string) =>
  ["127.0.0.1", "localhost", "::1", "[::1]"].includes(new URL(url).hostname);

function tryStart(what: string, command: string[]): void {
  console.log(`starting local ${what}: ${command.join(" ")}`);
  const result = spawnSync(command[0] ?? "", command.slice(1), { stdio: "inherit" });
  if (result.status !== 0)
    console.log(`could not start ${what} (exit ${result.status ?? "signal"})`);
}

function startPostgres(): void {
  if (existsSync("/usr/bin/pg_ctlcluster") && existsSync("/etc/postgresql")) {
    for (const version of readdirSync("/etc/postgresql")) {
      tryStart("PostgreSQL", [
        "pg_ctlcluster",
        "--skip-systemctl-redirect",
        version,
        "main",
        "start",
      ]);
    }
  }
}

function startRedis(): void {
  const port = new URL(redisUrl).port || "6379";
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status === 0) {
    tryStart("Redis", [
      "redis-server",
      "--daemonize",
      "yes",
      "--bind",
      "127.0.0.1",
      "--port",
      port,
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
  }
}

async function ensure(
  name: string,
  probe: () => Promise<string | null>,
  start: () => void,
  url: string,
  help: string,
): Promise<boolean> {
  let problem = await probe();
  if (problem && isLocal(url)) {
    start();
    for (let attempt = 0; attempt < 20 && problem; attempt++) {
      await sleep(250);
      problem = await probe();
    }
  }
  if (problem) {
    console.error(
      `\n${name} is not reachable at ${url.replace(/:[^:@/]*@/, ":***@")}: ${problem}\n${help}\n`,
    );
    return false;
  }
  console.log(`${name}: ok`);
  return true;
}

/** Connects to the server's maintenance database and creates the target database if missing. */
async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

const postgresHelp = [
  "Install and start PostgreSQL (Debian/Ubuntu: sudo apt-get install postgresql),",
  "or run one with Docker (docker compose up -d postgres),",
  "or point DATABASE_URL at a server you can use, e.g. postgresql://USER:PASSWORD@HOST:5432/bbos.",
].join("\n");
const redisHelp = [
  "Install and start Redis 6.2+ (Debian/Ubuntu: sudo apt-get install redis-server),",
  "or run one with Docker (docker compose up -d redis),",
  "or point REDIS_URL at a server you can use, e.g. redis://HOST:6379.",
].join("\n");

const serverUrl = new URL(databaseUrl);
serverUrl.pathname = "/postgres";
const okPostgres = await ensure(
  "PostgreSQL",
  () => postgresAnswers(serverUrl.toString()),
  startPostgres,
  databaseUrl,
  postgresHelp,
);
const okRedis = await ensure(
  "Redis",
  () => redisAnswers(redisUrl),
  startRedis,
  redisUrl,
  redisHelp,
);
if (!okPostgres || !okRedis) process.exit(1);
if (process.argv.includes("--create-database")) await createDatabaseIfMissing(databaseUrl);
