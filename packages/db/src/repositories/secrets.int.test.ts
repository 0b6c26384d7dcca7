import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../client.ts";
import {
  loadOrCreateSecretKeyRing,
  newSecretKeyRingText,
  parseSecretKeyRing,
  SecretKeyError,
} from "../secrets/key-ring.ts";
import { createBoard } from "./boards.ts";
import { createProject } from "./projects.ts";
import { resolveSecret, storeSecret } from "./secrets.ts";
import { ensureDevUser } from "./users.ts";

describe("secret repository", () => {
  let db: Db;
  const k1 = newSecretKeyRingText("k1");
  const ring = parseSecretKeyRing(k1);

  beforeAll(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 2 });
  });
  afterAll(() => db?.$disconnect());

  async function newBoard(slug: string) {
    const owner = await ensureDevUser(db, `${slug}-owner`);
    const project = await createProject(db, { slug, name: slug, ownerId: owner.id });
    const board = await createBoard(db, {
      projectId: project.id,
      name: "b",
      schemaId: "board-config/3",
    });
    return { projectId: project.id, boardId: board.id };
  }

  it("stores only ciphertext, counts revisions per secret and resolves within the project", async () => {
    const where = await newBoard("secrets-a");
    const input = { ...where, field: "/network/wifi/psk", createdById: null };
    const first = await storeSecret(db, ring, {
      ...input,
      value: "planted-passphrase-1",
      current: null,
    });
    expect(first.revision).toBe(1);
    const second = await storeSecret(db, ring, {
      ...input,
      value: "planted-passphrase-2",
      current: first,
    });
    expect(second).toEqual({ secretId: first.secretId, revision: 2 });

    expect(await resolveSecret(db, ring, where.projectId, first)).toBe("planted-passphrase-1");
    expect(await resolveSecret(db, ring, where.projectId, second)).toBe("planted-passphrase-2");
    const rows = await db.secretRevision.findMany({ where: { secretId: first.secretId } });
    expect(rows.map((row) => row.keyId)).toEqual(["k1", "k1"]);
    for (const row of rows)
      expect(Buffer.from(row.sealed).toString("latin1")).not.toContain("planted");

    const other = await newBoard("secrets-b");
    expect(await resolveSecret(db, ring, other.projectId, first)).toBeNull();
    // Another board's (or field's) reference starts a secret of its own.
    const elsewhere = await storeSecret(db, ring, {
      ...other,
      field: "/network/wifi/psk",
      createdById: null,
      value: "x".repeat(8),
      current: second,
    });
    expect(elsewhere.secretId).not.toBe(first.secretId);
  });

  it("refuses a sealed value moved to another row, and opens old values after a rotation", async () => {
    const where = await newBoard("secrets-c");
    const input = { ...where, field: "/network/wifi/psk", createdById: null, current: null };
    const a = await storeSecret(db, ring, { ...input, value: "value-a" });
    const b = await storeSecret(db, ring, { ...input, value: "value-b" });
    const rowA = await db.secretRevision.findFirstOrThrow({ where: { secretId: a.secretId } });
    await db.secretRevision.update({
      where: { secretId_revision: { secretId: b.secretId, revision: 1 } },
      data: { sealed: rowA.sealed },
    });
    await expect(resolveSecret(db, ring, where.projectId, b)).rejects.toThrow(SecretKeyError);

    const rotated = parseSecretKeyRing(newSecretKeyRingText("k2") + k1);
    expect(rotated.currentKeyId).toBe("k2");
    expect(await resolveSecret(db, rotated, where.projectId, a)).toBe("value-a");
    const c = await storeSecret(db, rotated, { ...input, value: "value-c" });
    const rowC = await db.secretRevision.findFirstOrThrow({ where: { secretId: c.secretId } });
    expect(rowC.keyId).toBe("k2");
  });
});

describe("key ring", () => {
  it("refuses malformed lines without quoting keys", () => {
    expect(() => parseSecretKeyRing("")).toThrow("the key ring holds no key");
    expect(() => parseSecretKeyRing("k1:c2hvcnQ=\n")).toThrow(
      'line 1 is not "<key id>:<32 bytes in base64>"',
    );
    const line = newSecretKeyRingText("k1");
    expect(() => parseSecretKeyRing(line + line)).toThrow('line 2 repeats key id "k1"');
  });

  it("makes one development key ring, readable by its owner only, and warns each time", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bbos-keyring-"));
    const devKeyFile = join(dir, "secrets", "development.keys");
    const warnings: string[] = [];
    const rings = await Promise.all(
      [1, 2, 3].map(() => loadOrCreateSecretKeyRing({ devKeyFile, warn: (m) => warnings.push(m) })),
    );
    const [first] = rings;
    if (!first) throw new Error("no key ring");
    const sealed = first.seal("same key everywhere", "ctx");
    for (const ring of rings) expect(ring.open(sealed, "ctx")).toBe("same key everywhere");
    expect((await stat(devKeyFile)).mode & 0o777).toBe(0o600);
    expect((await readFile(devKeyFile, "utf8")).split("\n").filter(Boolean)).toHaveLength(1);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain("SECRET_KEYS_FILE");
  });
});
