// Two API server processes on one PostgreSQL database and one Redis share a board: a client on
// each sees the other's edits and presence, and what is stored is the same for both.
import { afterAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import { ensureLocalUser } from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { createTestDatabase, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { connectBoard, createBoardWithContent, waitForDoc } from "./collab-clients.ts";
import { startServerProcess, type ServerProcess } from "./server-process.ts";

function install(doc: Y.Doc): string[] {
  return (readConfig(doc).packages as { install: string[] }).install;
}

function push(doc: Y.Doc, value: string): void {
  const packages = configRoot(doc).get("packages") as Y.Map<Y.Array<string>>;
  packages.get("install")?.push([value]);
}

describe("collab across two API nodes", () => {
  const nodes: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop("SIGTERM")));
  });

  it("converges clients of different processes through Redis and stores every edit once", async () => {
    const databaseUrl = await createTestDatabase();
    const db = createDb({ url: databaseUrl, maxConnections: 2 });
    const owner = await ensureLocalUser(db, "tester");
    const board = await createBoardWithContent(db, owner);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: uniquePrefix(),
      PORT: "0",
      LOCAL_USER_LOGIN: "tester",
    };
    nodes.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
    const [first, second] = nodes as [ServerProcess, ServerProcess];
    expect(first.url).not.toBe(second.url);

    using alice = connectBoard(first.url, board.id);
    using bob = connectBoard(second.url, board.id);
    await Promise.all([alice.synced, bob.synced]);

    for (let i = 0; i < 20; i++) {
      push(alice.doc, `alice-${i}`);
      push(bob.doc, `bob-${i}`);
    }
    const all = (doc: Y.Doc) => install(doc).length === 6 + 40;
    await Promise.all([waitForDoc(alice.doc, all), waitForDoc(bob.doc, all)]);
    expect(install(alice.doc)).toEqual(install(bob.doc));

    alice.provider.awareness.setLocalStateField("field", "/packages/install");
    await expect
      .poll(() => bob.provider.awareness.getStates().get(alice.doc.clientID))
      .toMatchObject({ user: { login: "tester" }, field: "/packages/install" });

    // A client that joins later, on either node, gets everything exactly once from storage.
    using late = connectBoard(second.url, board.id);
    await late.synced;
    expect([...install(late.doc)].sort()).toEqual([...install(alice.doc)].sort());
    expect(new Set(install(late.doc)).size).toBe(46);
    await db.$disconnect();
  });
});
