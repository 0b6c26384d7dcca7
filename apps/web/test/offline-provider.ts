import { act } from "@testing-library/react";
import { messageAuth, WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

import { writeConfig } from "@bbos/collab";

import type { CreateBoardProvider } from "../src/features/board/use-board-document";

/**
 * Real y-websocket providers that never dial (`connect: false`): tests play the server's side
 * by emitting the provider's events and applying the server document's updates.
 */
export function offlineProviders() {
  const created: WebsocketProvider[] = [];
  const create: CreateBoardProvider = (boardId, doc) => {
    const provider = new WebsocketProvider("ws://collab.invalid/collab", boardId, doc, {
      connect: false,
      disableBc: true,
    });
    created.push(provider);
    return provider;
  };
  const last = (): WebsocketProvider => {
    const provider = created.at(-1);
    if (!provider) throw new Error("no provider was created");
    return provider;
  };
  return { create, created, last };
}

/** A document holding `config`, standing in for the server's copy of the board. */
export function serverDoc(config: Parameters<typeof writeConfig>[1]): Y.Doc {
  const doc = new Y.Doc();
  writeConfig(doc, config);
  return doc;
}

/** What the client lacks of the server's document, applied as if it came over the socket. */
export function receiveFromServer(provider: WebsocketProvider, server: Y.Doc): void {
  const missing = Y.encodeStateAsUpdate(server, Y.encodeStateVector(provider.doc));
  act(() => Y.applyUpdate(provider.doc, missing, provider));
}

export function connectAndSync(provider: WebsocketProvider): void {
  act(() => {
    provider.emit("status", [{ status: "connected" }]);
    provider.emit("sync", [true]);
  });
}

/** y-protocols' auth message body: varUint 0 (permission denied), varString reason. */
export function permissionDeniedMessage(reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason);
  if (text.length >= 128) throw new Error("keep test reasons under 128 bytes (a 1-byte length)");
  return Uint8Array.from([0, text.length, ...text]);
}

/** The server refusing edits with `reason`, through the provider's auth message handler. */
export function denyEdits(provider: WebsocketProvider, reason: string): void {
  const handler = provider.messageHandlers[messageAuth];
  if (!handler) throw new Error("the provider has no auth handler");
  const decoder = { arr: permissionDeniedMessage(reason), pos: 0 };
  act(() => handler(undefined as never, decoder as never, provider, true, messageAuth));
}

/** Another client's presence state as the server relays it (`user` stamped), or its leaving. */
export function receivePresence(
  provider: WebsocketProvider,
  clientId: number,
  state: Record<string, unknown> | null,
): void {
  const { awareness } = provider;
  act(() => {
    const known = awareness.states.has(clientId);
    if (state === null) {
      awareness.states.delete(clientId);
      awareness.meta.delete(clientId);
      awareness.emit("change", [{ added: [], updated: [], removed: [clientId] }, "remote"]);
      return;
    }
    awareness.states.set(clientId, state);
    awareness.meta.set(clientId, {
      clock: (awareness.meta.get(clientId)?.clock ?? 0) + 1,
      lastUpdated: Date.now(),
    });
    const change = known
      ? { added: [], updated: [clientId], removed: [] }
      : { added: [clientId], updated: [], removed: [] };
    awareness.emit("change", [change, "remote"]);
  });
}
