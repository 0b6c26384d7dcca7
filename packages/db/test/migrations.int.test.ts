// Migrations are applied with the real command (Prisma 6.19 CLI, Wasm engine) and compared with
// the SQL Prisma derives from schema.prisma alone; then the generated client works on every model.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createEmptyDatabase, migrateDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../src/client.ts";

const script = resolve(import.meta.dirname, "../scripts/prisma.ts");

function prismaScript(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", script, ...args], { encoding: "utf8" });
}

/** Columns, constraints, indexes and enums of the public schema, as comparable text. */
async function describeSchema(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const queries = [
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '')
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      `SELECT conrelid::regclass::text || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'`,
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
      `SELECT t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    ];
    const rows: string[] = [];
    for (const sql of queries) {
      const result = await client.query<{ "?column?": string }>(sql);
      rows.push(...result.rows.map((row) => Object.values(row).join("")));
    }
    return rows.sort();
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  let migrated: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let reference: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let db: Db;

  beforeAll(async () => {
    [migrated, reference] = await Promise.all([createEmptyDatabase(), createEmptyDatabase()]);
    migrateDatabase(migrated.url);
    db = createDb({ url: migrated.url, maxConnections: 2 });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await Promise.all([migrated?.drop(), reference?.drop()]);
  });

  it("carries every change in schema.prisma", () => {
    const result = prismaScript("check");
    expect(result.stdout).toContain("migrations are up to date");
    expect(result.status).toBe(0);
  });

  it("builds the same database as the schema itself", async () => {
    // Reference: the SQL Prisma derives for an empty database straight from schema.prisma.
    const sql = prismaScript("sql");
    expect(sql.status).toBe(0);
    expect(sql.stdout).toContain('CREATE TABLE "Board"');
    const client = new pg.Client({ connectionString: reference.url });
    await client.connect();
    await client.query(sql.stdout);
    await client.end();

    const [actual, expected] = await Promise.all([
      describeSchema(migrated.url),
      describeSchema(reference.url),
    ]);
    expect(actual.length).toBeGreaterThan(100);
    expect(actual).toEqual(expected);
  });

  it("lets the generated client write and read every model", async () => {
    const user = await db.user.create({ data: { githubId: 1n, login: "octo" } });
    const project = await db.project.create({
      data: {
        slug: "p",
        name: "P",
        createdById: user.id,
        memberships: { create: { userId: user.id, role: "OWNER" } },
      },
    });
    const board = await db.board.create({
      data: {
        projectId: project.id,
        name: "b",
        schemaId: "board-config/1",
        state: new Uint8Array([1, 2]),
      },
    });
    await db.boardUpdate.create({
      data: { boardId: board.id, update: new Uint8Array([3]), clientId: 42n },
    });
    const version = await db.configVersion.create({
      data: {
        boardId: board.id,
        number: 1,
        schemaId: "board-config/1",
        config: { board: "rock-5b" },
        contentHash: "a".repeat(64),
        authorId: user.id,
      },
    });
    const build = await db.build.create({
      data: {
        configVersionId: version.id,
        recipe: "debian",
        recipeVersion: "1",
        cacheKey: "b".repeat(64),
        builderImageId: "c".repeat(16),
      },
    });
    const artifact = await db.artifact.create({
      data: {
        buildId: build.id,
        kind: "IMAGE",
        name: "x.img.xz",
        size: 5_000_000_000n,
        sha256: "c".repeat(64),
        storageKey: "k/x.img.xz",
      },
    });
    const file = await db.projectFile.create({
      data: { projectId: project.id, path: "/etc/motd" },
    });
    await db.fileVersion.create({
      data: { fileId: file.id, number: 1, size: 3, sha256: "d".repeat(64), storageKey: "f/1" },
    });
    await db.shareLink.create({
      data: {
        tokenHash: "e".repeat(64),
        buildId: build.id,
        artifactId: artifact.id,
        createdById: user.id,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    await db.apiToken.create({
      data: {
        userId: user.id,
        name: "ci",
        tokenHash: "f".repeat(64),
        prefix: "bbos_",
        scopes: ["builds:write"],
      },
    });
    await db.auditEvent.create({
      data: {
        actorId: user.id,
        projectId: project.id,
        action: "project.create",
        targetType: "Project",
        targetId: project.id,
        outcome: "SUCCESS",
      },
    });
    await db.usageRecord.create({
      data: {
        projectId: project.id,
        metric: "build.seconds",
        quantity: 90n,
        day: new Date("2026-11-23"),
      },
    });

    const loaded = await db.build.findUniqueOrThrow({
      where: { id: build.id },
      include: {
        artifacts: true,
        configVersion: { include: { board: { include: { updates: true } } } },
      },
    });
    expect(loaded.status).toBe("QUEUED");
    expect(loaded.artifacts[0]?.size).toBe(5_000_000_000n);
    expect(loaded.configVersion.config).toEqual({ board: "rock-5b" });
    expect(Buffer.from(loaded.configVersion.board.state ?? [])).toEqual(Buffer.from([1, 2]));
    expect(loaded.configVersion.board.updates).toHaveLength(1);
  });

  it("enforces the domain's unique constraints", async () => {
    const user = await db.user.create({ data: { githubId: 2n, login: "hubot" } });
    const project = await db.project.create({
      data: { slug: "q", name: "Q", createdById: user.id },
    });
    const board = await db.board.create({
      data: { projectId: project.id, name: "b", schemaId: "board-config/1" },
    });
    const version = {
      boardId: board.id,
      number: 1,
      schemaId: "board-config/1",
      config: {},
      contentHash: "0".repeat(64),
    };
    await db.configVersion.create({ data: version });
    await expect(db.configVersion.create({ data: version })).rejects.toMatchObject({
      code: "P2002",
    });
    await expect(
      db.board.create({ data: { projectId: project.id, name: "b", schemaId: "x" } }),
    ).rejects.toMatchObject({
      code: "P2002",
    });
  });

  it("keeps the audit trail append-only, and deleting its actor or project leaves it whole", async () => {
    const user = await db.user.create({ data: { login: "auditor" } });
    const project = await db.project.create({ data: { slug: "audited", name: "Audited" } });
    const event = await db.auditEvent.create({
      data: {
        actorId: user.id,
        actorLogin: user.login,
        projectId: project.id,
        action: "renameProject",
        targetType: "Project",
        targetId: project.id,
        outcome: "FAILURE",
        data: { code: "FORBIDDEN" },
      },
    });
    const refused = { message: expect.stringMatching(/AuditEvent is append-only/) as unknown };
    await expect(
      db.auditEvent.update({ where: { id: event.id }, data: { outcome: "SUCCESS" } }),
    ).rejects.toMatchObject(refused);
    await expect(db.auditEvent.delete({ where: { id: event.id } })).rejects.toMatchObject(refused);
    await expect(db.$executeRawUnsafe('TRUNCATE "AuditEvent"')).rejects.toMatchObject(refused);

    await db.project.delete({ where: { id: project.id } });
    await db.user.delete({ where: { id: user.id } });
    expect(await db.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      actorId: user.id,
      actorLogin: "auditor",
      projectId: project.id,
      outcome: "FAILURE",
    });
  });
});
