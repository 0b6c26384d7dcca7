// Test clients of the collab endpoint: the standard y-websocket provider (unmodified, in Node),
// and a raw socket for what a provider would never send.
import * as decoding from "lib0/decoding";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

import { configRoot, readConfig, writeConfig } from "@bbos/collab";
import type { JsonObject } from "@bbos/core";
import {
  appendBoardUpdates,
  createBoard,
  createProject,
  type BoardRow,
  type Db,
  type UserRow,
} from "@bbos/db";

import typical from "../../../schemas/examples/typical.json" with { type: "json" };

/** A ws WebSocket that sends the given headers (a session cookie, an Origin) on the upgrade. */
function webSocketWith(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
}

export interface BoardClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves once the first sync with the server is complete. */
  synced: Promise<void>;
  [Symbol.dispose]: () => void;
}

function collabUrl(serverUrl: string): string {
  return `${serverUrl.replace(/^http/, "ws")}/collab`;
}

/** A y-websocket provider on the board, as a browser would open it, without cross-tab sync. */
export function connectBoard(
  serverUrl: string,
  boardId: string,
  headers: Record<string, string> = {},
  doc = new Y.Doc(),
): BoardClient {
  const provider = new WebsocketProvider(collabUrl(serverUrl), boardId, doc, {
    WebSocketPolyfill: webSocketWith(headers) as never,
    disableBc: true,
    maxBackoffTime: 200,
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    else provider.once("sync", () => resolve());
  });
  const dispose = () => {
    provider.destroy();
    doc.destroy();
  };
  return { doc, provider, synced, [Symbol.dispose]: dispose };
}

/** Records the reasons of the "permission denied" messages the provider receives. */
export function recordDeniedReasons(client: BoardClient): string[] {
  const reasons: string[] = [];
  const handlers = client.provider.messageHandlers;
  const original = handlers[2];
  handlers[2] = (encoder, decoder, provider, emitSynced, messageType) => {
    // Auth message: varUint 0 (permission denied), varString reason.
    const copy = decoding.clone(decoder);
    if (decoding.readVarUint(copy) === 0) reasons.push(decoding.readVarString(copy));
    original?.(encoder, decoder, provider, emitSynced, messageType);
  };
  return reasons;
}

/** How a raw socket to the endpoint ended: the close code and reason, or the HTTP refusal. */
export function openRawSocket(
  serverUrl: string,
  boardId: string,
  headers: Record<string, string> = {},
): { socket: WebSocket; closed: Promise<{ code: number; reason: string }> } {
  const socket = new WebSocket(`${collabUrl(serverUrl)}/${boardId}`, { headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.on("unexpected-response", (_request, response) => {
      resolve({ code: response.statusCode ?? 0, reason: "http" });
      socket.terminate();
    });
    socket.on("error", () => undefined);
  });
  return { socket, closed };
}

/** Resolves when `predicate` holds, checking after every change of the document. */
export function waitForDoc(doc: Y.Doc, predicate: (doc: Y.Doc) => boolean, timeoutMs = 5000) {
  return new Promise<void>((resolve, reject) => {
    if (predicate(doc)) return resolve();
    const timer = setTimeout(() => {
      doc.off("update", check);
      reject(new Error("document did not reach the expected state in time"));
    }, timeoutMs);
    function check() {
      if (!predicate(doc)) return;
      clearTimeout(timer);
      doc.off("update", check);
      resolve();
    }
    doc.on("update", check);
  });
}

/** The document's `system.hostname`, the field the collab tests edit. */
export function hostnameOf(doc: Y.Doc): unknown {
  return (readConfig(doc).system as { hostname?: unknown } | undefined)?.hostname;
}

/** Sets `system.hostname` in the document, as a form edit would. */
export function setHostname(doc: Y.Doc, value: string): void {
  (configRoot(doc).get("system") as Y.Map<unknown>).set("hostname", value);
}

/** A project owned by `owner` with one board whose document holds the typical example. */
export async function createBoardWithContent(
  db: Db,
  owner: UserRow,
  config: JsonObject = typical,
): Promise<BoardRow> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const project = await createProject(db, {
    slug: `collab-${suffix}`,
    name: `Collab ${suffix}`,
    ownerId: owner.id,
  });
  const board = await createBoard(db, {
    projectId: project.id,
    name: "rock-5b lab",
    schemaId: "board-config/1",
  });
  const doc = new Y.Doc();
  writeConfig(doc, config);
  await appendBoardUpdates(db, board.id, [
    { update: Y.encodeStateAsUpdate(doc), userId: owner.id },
  ]);
  doc.destroy();
  return board;
}
