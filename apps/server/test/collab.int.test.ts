import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import { addMember, findUserByLogin, readBoardLog, type BoardRow } from "@bbos/db";

import { CollabCloseCode, PermissionDeniedReason } from "../src/collab/close-codes.ts";
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
import { graphql, signIn, startTestServer, type TestServer } from "./start-test-server.ts";

async function storedConfig(server: TestServer, board: BoardRow) {
  const stored = await readBoardLog(server.db, board.id);
  if (!stored) throw new Error("board missing");
  return { config: configFromStore(stored), updates: stored.updates.length };
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
    expect(hostnameOf(client.doc)).toBe("rock5b-lab");
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
    await waitForDoc(bob.doc, (doc) => hostnameOf(doc) === "edited-by-alice");

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
    expect(hostnameOf(again.doc)).toBe("host-4");
  });

  it("turns open connections read-only when the board is archived, and back on restore", async () => {
    const archivable = await createBoardWithContent(server.db, server.viewer);
    using editor = connectBoard(server.url, archivable.id);
    await editor.synced;
    const denied = recordDeniedReasons(editor);
    const archive = (name: "archiveBoard" | "restoreBoard") =>
      graphql(
        server.url,
        `mutation ($input: ${name === "archiveBoard" ? "ArchiveBoardInput" : "RestoreBoardInput"}!) {
          ${name}(input: $input) { board { id } }
        }`,
        { input: { boardId: archivable.id } },
      );

    await archive("archiveBoard");
    await expect.poll(() => denied).toContain(PermissionDeniedReason.ARCHIVED);
    setHostname(editor.doc, "edited-while-archived");
    await expect.poll(() => denied.length).toBeGreaterThan(1);
    expect((await storedConfig(server, archivable)).config.system).toMatchObject({
      hostname: "rock5b-lab",
    });

    await archive("restoreBoard");
    setHostname(editor.doc, "edited-after-restore");
    await expect
      .poll(async () => (await storedConfig(server, archivable)).config.system)
      .toMatchObject({ hostname: "edited-after-restore" });
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
    expect(hostnameOf(client.doc)).toBe("edited-by-alice");
  });
});

describe("collab endpoint limits and offline edits", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      collabLimits: { maxDocumentBytes: 16 * 1024, maxConnectionsPerBoard: 2 },
    });
  });
  afterAll(() => server.close());

  it("turns away a connection past the per-board maximum with a retryable code", async () => {
    const board = await createBoardWithContent(server.db, server.viewer);
    using first = connectBoard(server.url, board.id);
    using second = connectBoard(server.url, board.id);
    await Promise.all([first.synced, second.synced]);
    const third = openRawSocket(server.url, board.id);
    expect(await third.closed).toMatchObject({ code: CollabCloseCode.BOARD_FULL });
  });

  it("closes a connection whose edit would grow the document past its maximum", async () => {
    const board = await createBoardWithContent(server.db, server.viewer);
    using client = connectBoard(server.url, board.id);
    await client.synced;
    const closed = new Promise<number>((resolve) =>
      client.provider.once("closed", (event) => resolve(event.code)),
    );
    setHostname(client.doc, "x".repeat(20 * 1024));
    expect(await closed).toBe(CollabCloseCode.DOCUMENT_TOO_LARGE);
    const { config } = await storedConfig(server, board);
    expect((config.system as { hostname: string }).hostname).toBe("rock5b-lab");
  });

  it("merges edits a client made while disconnected with what others did meanwhile", async () => {
    const board = await createBoardWithContent(server.db, server.viewer);
    using offline = connectBoard(server.url, board.id);
    using online = connectBoard(server.url, board.id);
    await Promise.all([offline.synced, online.synced]);

    offline.provider.disconnect();
    setHostname(offline.doc, "edited-offline");
    (configRoot(online.doc).get("os") as Y.Map<unknown>).set("release", "trixie");
    await expect.poll(async () => (await storedConfig(server, board)).updates).toBe(2);

    offline.provider.connect();
    const merged = (doc: Y.Doc) =>
      hostnameOf(doc) === "edited-offline" &&
      (readConfig(doc).os as { release: string }).release === "trixie";
    await Promise.all([waitForDoc(offline.doc, merged), waitForDoc(online.doc, merged)]);
  });
});

describe("collab access by role", () => {
  let server: TestServer;
  let board: BoardRow;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ auth: { mode: "dev" } });
    for (const login of ["owner", "viewer", "outsider"]) {
      cookies[login] = await signIn(server.url, login);
    }
    const owner = await findUserByLogin(server.db, "owner");
    const viewer = await findUserByLogin(server.db, "viewer");
    if (!owner || !viewer) throw new Error("dev login created no users");
    board = await createBoardWithContent(server.db, owner);
    await addMember(server.db, board.projectId, viewer.id, "VIEWER");
  });
  afterAll(() => server.close());

  it("refuses a connection without a session with 4401", async () => {
    const anonymous = openRawSocket(server.url, board.id);
    expect(await anonymous.closed).toMatchObject({ code: CollabCloseCode.UNAUTHENTICATED });
  });

  it("refuses a user outside the board's project as if the board did not exist", async () => {
    const outsider = openRawSocket(server.url, board.id, { cookie: cookies.outsider ?? "" });
    expect(await outsider.closed).toMatchObject({ code: CollabCloseCode.BOARD_NOT_FOUND });
  });

  it("gives a viewer the document read-only: its edits are refused and reach nobody", async () => {
    using owner = connectBoard(server.url, board.id, { cookie: cookies.owner ?? "" });
    using viewer = connectBoard(server.url, board.id, { cookie: cookies.viewer ?? "" });
    await Promise.all([owner.synced, viewer.synced]);
    const denied = recordDeniedReasons(viewer);

    setHostname(viewer.doc, "viewer-was-here");
    await expect.poll(() => denied).toContain(PermissionDeniedReason.READ_ONLY);
    setHostname(owner.doc, "owner-edit");
    await expect
      .poll(async () => (await storedConfig(server, board)).config.system)
      .toMatchObject({
        hostname: "owner-edit",
      });
    expect(hostnameOf(owner.doc)).toBe("owner-edit");
  });
});
