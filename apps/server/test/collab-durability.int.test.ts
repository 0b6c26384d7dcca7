// The server process is killed (SIGKILL: no shutdown, no compaction) while two clients edit.
// Every edit the server relayed must be in PostgreSQL, and once the clients reconnect, every
// edit at all must be there exactly once.
import { afterAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import { ensureLocalUser } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createTestDatabase, freePort, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import {
  connectBoard,
  createBoardWithContent,
  waitForDoc,
  type BoardClient,
} from "./collab-clients.ts";
import { startServerProcess, type ServerProcess } from "./server-process.ts";

function installList(doc: Y.Doc): Y.Array<string> {
  return (configRoot(doc).get("packages") as Y.Map<unknown>).get("install") as Y.Array<string>;
}

function packages(doc: Y.Doc): string[] {
  return (readConfig(doc).packages as { install: string[] }).install;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("collab durability", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("loses no relayed edit to a SIGKILL and duplicates nothing after reconnecting", async () => {
    const databaseUrl = await createTestDatabase();
    const db = createDb({ url: databaseUrl, maxConnections: 2 });
    cleanup.push(() => db.$disconnect());
    const owner = await ensureLocalUser(db, "tester");
    const board = await createBoardWithContent(db, owner);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: uniquePrefix(),
      PORT: String(await freePort()),
      LOCAL_USER_LOGIN: "tester",
    };

    let server: ServerProcess = await startServerProcess(env);
    cleanup.push(() => server.stop("SIGTERM"));
    const alice: BoardClient = connectBoard(server.url, board.id);
    const bob: BoardClient = connectBoard(server.url, board.id);
    cleanup.push(
      () => alice[Symbol.dispose](),
      () => bob[Symbol.dispose](),
    );
    await Promise.all([alice.synced, bob.synced]);
    const initial = packages(alice.doc);

    // What each client received from the other: edits the server stored and relayed.
    const relayed = new Set<string>();
    for (const [client, own] of [
      [alice, "a-"],
      [bob, "b-"],
    ] as const) {
      installList(client.doc).observe((event) => {
        if (event.transaction.local) return;
        for (const item of event.changes.added) {
          for (const value of item.content.getContent() as string[]) {
            if (!value.startsWith(own)) relayed.add(value);
          }
        }
      });
    }

    // Both edit concurrently; the server dies in the middle of it.
    const written: string[] = [];
    const edit = async (client: BoardClient, prefix: string, count: number) => {
      for (let i = 0; i < count; i++) {
        installList(client.doc).push([`${prefix}${i}`]);
        written.push(`${prefix}${i}`);
        await sleep(5);
      }
    };
    const editing = Promise.all([edit(alice, "a-", 60), edit(bob, "b-", 60)]);
    await expect.poll(() => relayed.size, { interval: 5 }).toBeGreaterThan(20);
    await server.stop("SIGKILL");
    await editing;
    alice.provider.disconnect();
    bob.provider.disconnect();
    const relayedBeforeKill = [...relayed];
    expect(relayedBeforeKill.length).toBeGreaterThan(20);

    server = await startServerProcess(env);

    // A fresh document sees every edit the server had relayed before it was killed.
    {
      using fresh = connectBoard(server.url, board.id);
      await fresh.synced;
      const stored = packages(fresh.doc);
      expect(relayedBeforeKill.filter((value) => !stored.includes(value))).toEqual([]);
    }

    // The original clients reconnect and hand over what the server never got.
    alice.provider.connect();
    bob.provider.connect();
    const everything = [...initial, ...written].sort();
    const converged = (doc: Y.Doc) => packages(doc).length >= everything.length;
    await Promise.all([waitForDoc(alice.doc, converged), waitForDoc(bob.doc, converged)]);

    using check = connectBoard(server.url, board.id);
    await check.synced;
    await waitForDoc(check.doc, converged);
    for (const doc of [alice.doc, bob.doc, check.doc]) {
      expect([...packages(doc)].sort()).toEqual(everything);
    }
    console.log(
      `collab durability: ${written.length} edits, ${relayedBeforeKill.length} relayed before SIGKILL`,
    );
  });
});
