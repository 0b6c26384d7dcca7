// Hostile frames on the collab socket: random bytes, truncated and corrupted y-websocket
// messages, text frames, frames over the size limit and floods. Each bad frame closes only its
// own connection, with a named code; the server keeps serving and the document stays intact.
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import type { BoardRow } from "@bbos/db";

import { CollabCloseCode } from "../../src/collab/close-codes.ts";
import { connectBoard, createBoardWithContent, openRawSocket } from "../collab-clients.ts";
import type { TestServer } from "../start-test-server.ts";
import {
  capturedLog,
  seededRandom,
  startUnthrottledServer,
  stillAlive,
} from "./adversarial-helpers.ts";

const SEED = 20261201;
const CONNECTIONS = 300;
const FRAMES_PER_CONNECTION = 10;

/** A real Yjs update of the board's kind: a hostname change made on a copy of the content. */
function validUpdate(): Uint8Array {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  configRoot(doc).set("note", "fuzz");
  doc.destroy();
  return updates[0] ?? new Uint8Array();
}

function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

function frameGenerator(seed: number) {
  const random = seededRandom(seed);
  const update = syncFrame(2, validUpdate());
  const randomBytes = (length: number) => Uint8Array.from({ length }, () => random.int(256));
  const kinds = {
    random: () => randomBytes(random.int(64)),
    truncated: () => update.subarray(0, 1 + random.int(update.length - 1)),
    corruptedUpdate: () => {
      const copy = Uint8Array.from(update);
      for (let i = 0; i < 3; i++) copy[3 + random.int(copy.length - 3)] = random.int(256);
      return copy;
    },
    garbageUpdate: () => syncFrame(2, randomBytes(1 + random.int(32))),
    unknownType: () => Uint8Array.from([4 + random.int(200), ...randomBytes(4)]),
    hugeLength: () => Uint8Array.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    trailingBytes: () => Uint8Array.from([...update, 0, 1, 2]),
    awarenessGarbage: () => Uint8Array.from([1, ...randomBytes(1 + random.int(16))]),
  };
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  return () => {
    const kind = random.pick(names);
    return { kind, frame: kinds[kind]() };
  };
}

describe("collab socket under hostile frames", () => {
  const captured = capturedLog();
  let server: TestServer;
  let board: BoardRow;

  beforeAll(async () => {
    server = await startUnthrottledServer(captured);
    board = await createBoardWithContent(server.db, server.viewer);
  });
  afterAll(() => server.close());

  it(`closes ${CONNECTIONS} connections sending random frames (seed ${SEED}) with named codes only`, async () => {
    const next = frameGenerator(SEED);
    const codes = new Map<number, number>();
    let frames = 0;
    const started = performance.now();
    for (let batch = 0; batch < CONNECTIONS / 30; batch++) {
      await Promise.all(
        Array.from({ length: 30 }, async () => {
          const { socket, closed } = openRawSocket(server.url, board.id);
          await new Promise((resolve) => socket.once("open", resolve));
          for (let i = 0; i < FRAMES_PER_CONNECTION && socket.readyState === WebSocket.OPEN; i++) {
            socket.send(next().frame);
            frames++;
          }
          // A connection that survived its frames (they happened to be well-formed) is fine.
          setTimeout(() => socket.close(1000), 300).unref();
          const { code } = await closed;
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }),
      );
    }
    const elapsed = performance.now() - started;
    console.log(
      `collab fuzz: ${frames} frames on ${CONNECTIONS} connections in ${Math.round(elapsed)} ms; close codes ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    expect(
      [...codes.keys()].every((code) =>
        [1000, 1005, CollabCloseCode.MALFORMED_MESSAGE].includes(code),
      ),
    ).toBe(true);
    expect(codes.get(CollabCloseCode.MALFORMED_MESSAGE)).toBeGreaterThan(CONNECTIONS / 2);

    expect(await stillAlive(server.url)).toBe(true);
    expect(captured.aboveInfo()).toEqual([]);
    using client = connectBoard(server.url, board.id);
    await client.synced;
    expect((readConfig(client.doc).system as { hostname: string }).hostname).toBe("rock5b-lab");
  });

  it("closes a connection whose frame is over the size limit with 1009", async () => {
    const { socket, closed } = openRawSocket(server.url, board.id);
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(syncFrame(2, new Uint8Array(1024 * 1024 + 1)));
    expect((await closed).code).toBe(1009);
  });

  it("closes a connection that floods with 4429", async () => {
    const { socket, closed } = openRawSocket(server.url, board.id);
    await new Promise((resolve) => socket.once("open", resolve));
    const queryAwareness = Uint8Array.of(3);
    for (let i = 0; i < 2000 && socket.readyState === WebSocket.OPEN; i++)
      socket.send(queryAwareness);
    expect((await closed).code).toBe(CollabCloseCode.RATE_LIMITED);
  });
});
