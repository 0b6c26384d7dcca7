// PostgreSQL goes away while two clients edit (a private server, stopped as a crash would),
// then comes back. What could not be stored must be neither applied nor relayed; writers are
// told; new clients are turned away with 503; after recovery the refused edits arrive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ensureLocalUser, readBoardLog, type BoardRow, type Db, type UserRow } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { migrateDatabase, startPrivatePostgres, type PrivatePostgres } from "@bbos/test-utils";

import { PermissionDeniedReason } from "../src/collab/close-codes.ts";
import { configFromStore } from "../src/collab/stored-document.ts";
import {
  connectBoard,
  createBoardWithContent,
  hostnameOf,
  openRawSocket,
  recordDeniedReasons,
  setHostname,
  waitForDoc,
} from "./collab-clients.ts";
import { startTestServer, type TestServer } from "./start-test-server.ts";

describe("collab during a PostgreSQL outage", () => {
  let postgres: PrivatePostgres;
  let db: Db;
  let server: TestServer;
  let owner: UserRow;
  let board: BoardRow;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    migrateDatabase(postgres.url);
    db = createDb({ url: postgres.url, maxConnections: 4 });
    owner = await ensureLocalUser(db, "tester");
    board = await createBoardWithContent(db, owner);
    server = await startTestServer({ db, auth: { mode: "local", user: owner } });
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await db.$disconnect();
    await postgres[Symbol.asyncDispose]();
  });

  it("refuses what it cannot store, tells writers, and takes the edits once storage is back", async () => {
    using alice = connectBoard(server.url, board.id);
    using bob = connectBoard(server.url, board.id);
    await Promise.all([alice.synced, bob.synced]);
    const aliceDenied = recordDeniedReasons(alice);

    setHostname(alice.doc, "before-outage");
    await waitForDoc(bob.doc, (doc) => hostnameOf(doc) === "before-outage");

    postgres.stop();
    setHostname(alice.doc, "during-outage");
    await expect.poll(() => aliceDenied).toContain(PermissionDeniedReason.STORAGE_UNAVAILABLE);
    // Not stored, so not relayed: Bob still has the last stored value.
    expect(hostnameOf(bob.doc)).toBe("before-outage");

    const newcomer = openRawSocket(server.url, board.id);
    expect(await newcomer.closed).toEqual({ code: 503, reason: "http" });

    postgres.start();
    // The server asks every client for what it lacks; Alice's refused edit comes back.
    await waitForDoc(bob.doc, (doc) => hostnameOf(doc) === "during-outage", 15_000);

    const stored = await readBoardLog(db, board.id);
    expect(configFromStore(stored ?? { state: null, updates: [] }).system).toMatchObject({
      hostname: "during-outage",
    });

    using late = connectBoard(server.url, board.id);
    await late.synced;
    expect(hostnameOf(late.doc)).toBe("during-outage");
  }, 60_000);
});
