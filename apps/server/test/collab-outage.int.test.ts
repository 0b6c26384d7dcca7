// PostgreSQL goes away while two clients edit (a private server, stopped as a crash would),
// then comes back. What could not be stored must be neither applied nor relayed; writers are
// told; new clients are turned away with 503; after recovery the refused edits arrive.
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import { ensureLocalUser, readBoardLog, type BoardRow, type Db, type UserRow } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import {
  migrateDatabase,
  startPrivatePostgres,
  testRedisUrl,
  uniquePrefix,
  type PrivatePostgres,
} from "@bbos/test-utils";

import { PermissionDeniedReason } from "../src/collab/close-codes.ts";
import { documentFromStore } from "../src/collab/stored-document.ts";
import { startServer, type RunningServer } from "../src/server.ts";
import {
  connectBoard,
  createBoardWithContent,
  openRawSocket,
  recordDeniedReasons,
  waitForDoc,
} from "./collab-clients.ts";

function hostname(doc: Y.Doc): unknown {
  return (readConfig(doc).system as { hostname?: unknown }).hostname;
}

function setHostname(doc: Y.Doc, value: string): void {
  (configRoot(doc).get("system") as Y.Map<unknown>).set("hostname", value);
}

describe("collab during a PostgreSQL outage", () => {
  let postgres: PrivatePostgres;
  let db: Db;
  let redis: Redis;
  let server: RunningServer;
  let owner: UserRow;
  let board: BoardRow;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    migrateDatabase(postgres.url);
    db = createDb({ url: postgres.url, maxConnections: 4 });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    owner = await ensureLocalUser(db, "tester");
    board = await createBoardWithContent(db, owner);
    server = await startServer({
      db,
      redis,
      log: pino({ level: "silent" }),
      host: "127.0.0.1",
      port: 0,
      version: "test",
      auth: { mode: "local", user: owner },
      redisPrefix: uniquePrefix(),
    });
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await Promise.allSettled([db.$disconnect(), redis.quit()]);
    await postgres[Symbol.asyncDispose]();
  });

  it("refuses what it cannot store, tells writers, and takes the edits once storage is back", async () => {
    using alice = connectBoard(server.url, board.id);
    using bob = connectBoard(server.url, board.id);
    await Promise.all([alice.synced, bob.synced]);
    const aliceDenied = recordDeniedReasons(alice);

    setHostname(alice.doc, "before-outage");
    await waitForDoc(bob.doc, (doc) => hostname(doc) === "before-outage");

    postgres.stop();
    setHostname(alice.doc, "during-outage");
    await expect.poll(() => aliceDenied).toContain(PermissionDeniedReason.STORAGE_UNAVAILABLE);
    // Not stored, so not relayed: Bob still has the last stored value.
    expect(hostname(bob.doc)).toBe("before-outage");

    const newcomer = openRawSocket(server.url, board.id);
    expect(await newcomer.closed).toEqual({ code: 503, reason: "http" });

    postgres.start();
    // The server asks every client for what it lacks; Alice's refused edit comes back.
    await waitForDoc(bob.doc, (doc) => hostname(doc) === "during-outage", 15_000);

    const stored = await readBoardLog(db, board.id);
    const doc = documentFromStore(stored ?? { state: null, updates: [] });
    expect(hostname(doc)).toBe("during-outage");
    doc.destroy();

    using late = connectBoard(server.url, board.id);
    await late.synced;
    expect(hostname(late.doc)).toBe("during-outage");
  }, 60_000);
});
