import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import { readBoardLog, type BoardRow } from "@bbos/db";

import { CollabCloseCode } from "../src/collab/close-codes.ts";
import { documentFromStore } from "../src/collab/stored-document.ts";
import {
  connectBoard,
  createBoardWithContent,
  openRawSocket,
  waitForDoc,
} from "./collab-clients.ts";
import { startTestServer, type TestServer } from "./start-test-server.ts";

function hostname(doc: Y.Doc): unknown {
  return (readConfig(doc).system as { hostname?: unknown } | undefined)?.hostname;
}

function setHostname(doc: Y.Doc, value: string): void {
  (configRoot(doc).get("system") as Y.Map<unknown>).set("hostname", value);
}

async function storedConfig(server: TestServer, board: BoardRow) {
  const stored = await readBoardLog(server.db, board.id);
  if (!stored) throw new Error("board missing");
  const doc = documentFromStore(stored);
  try {
    return { config: readConfig(doc), updates: stored.updates.length };
  } finally {
    doc.destroy();
  }
}

describe("collab endpoint", () => {
  let server: TestServer;
  let board: BoardRow;

  beforeAll(async () => {
    server = await startTestServer({ collabLimits: { compactWhenIdleMs: 60_000 } });
    board = await createBoardWithContent(server.db, server.viewer);
  });
  afterAll(() => server.close());

  it("syncs the stored document to a standard y-websocket client", async () => {
    using client = connectBoard(server.url, board.id);
    await client.synced;
    expect(hostname(client.doc)).toBe("rock5b-lab");
  });

  it("relays an edit between two clients and has it stored before relaying it", async () => {
    using alice = connectBoard(server.url, board.id);
    using bob = connectBoard(server.url, board.id);
    await Promise.all([alice.synced, bob.synced]);

    let storedWhenRelayed: unknown;
    bob.doc.on("update", () => {
      storedWhenRelayed ??= storedConfig(server, board).then(({ config }) => config);
    });
    setHostname(alice.doc, "edited-by-alice");
    await waitForDoc(bob.doc, (doc) => hostname(doc) === "edited-by-alice");

    // Checked from PostgreSQL, through a fresh document, at the moment Bob received the edit.
    const config = (await storedWhenRelayed) as { system: { hostname: string } };
    expect(config.system.hostname).toBe("edited-by-alice");
  });

  it("compacts the log into the board's state when the last client leaves", async () => {
    const other = await createBoardWithContent(server.db, server.viewer);
    {
      using client = connectBoard(server.url, other.id);
      await client.synced;
      for (let i = 0; i < 5; i++) setHostname(client.doc, `host-${i}`);
      await expect.poll(async () => (await storedConfig(server, other)).updates).toBe(6);
    }
    await expect.poll(async () => (await storedConfig(server, other)).updates).toBe(0);
    const { config } = await storedConfig(server, other);
    expect((config.system as { hostname: string }).hostname).toBe("host-4");

    using again = connectBoard(server.url, other.id);
    await again.synced;
    expect(hostname(again.doc)).toBe("host-4");
  });

  it("refuses unknown boards and foreign origins with named close codes", async () => {
    const unknown = openRawSocket(server.url, "5f0c3c0e-8c1a-4a59-9f7e-000000000000");
    expect(await unknown.closed).toMatchObject({ code: CollabCloseCode.BOARD_NOT_FOUND });

    const garbageId = openRawSocket(server.url, "not-a-board");
    expect(await garbageId.closed).toMatchObject({ code: CollabCloseCode.BOARD_NOT_FOUND });

    const foreign = openRawSocket(server.url, board.id, { origin: "https://evil.example" });
    expect(await foreign.closed).toMatchObject({ code: CollabCloseCode.ORIGIN_NOT_ALLOWED });

    // The server's own origin is allowed.
    using sameOrigin = connectBoard(server.url, board.id, { origin: server.url });
    await sameOrigin.synced;
  });

  it("stamps presence with the signed-in identity, whatever the client claims", async () => {
    using mallory = connectBoard(server.url, board.id);
    using observer = connectBoard(server.url, board.id);
    await Promise.all([mallory.synced, observer.synced]);

    mallory.provider.awareness.setLocalState({
      user: { id: "someone-else", login: "admin", color: "#000000" },
      field: "/system/hostname",
    });
    await expect
      .poll(() => observer.provider.awareness.getStates().get(mallory.doc.clientID))
      .toMatchObject({
        user: { id: server.viewer.id, login: server.viewer.login },
        field: "/system/hostname",
      });
  });

  it("closes a connection that sends a malformed frame and keeps the document intact", async () => {
    const { socket, closed } = openRawSocket(server.url, board.id);
    await new Promise((resolve) => socket.once("open", resolve));
    // A sync "update" whose payload is not a Yjs update.
    socket.send(Uint8Array.from([0, 2, 4, 0xff, 0xff, 0xff, 0xff]));
    expect(await closed).toMatchObject({ code: CollabCloseCode.MALFORMED_MESSAGE });

    using client = connectBoard(server.url, board.id);
    await client.synced;
    expect(hostname(client.doc)).toBe("edited-by-alice");
  });
});
