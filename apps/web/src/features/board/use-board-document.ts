// The one place the web app holds a board's shared Yjs document: the sync hook between the
// document (read and written only through @bbos/collab) and the board form.
import { useMemo, useSyncExternalStore } from "react";
import { messageAuth, messageSync, WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

import { configRoot, readConfig, setConfig } from "@bbos/collab";

/** A board config as plain JSON, as `readConfig` returns it. */
export type BoardConfig = ReturnType<typeof readConfig>;

/** The presence channel of a board (y-protocols awareness). */
export type BoardAwareness = WebsocketProvider["awareness"];

/**
 * `connecting`: a connection is being opened (also the first few redials after losing one);
 * `connected`: the socket is open; `disconnected`: the browser is offline, redialling keeps
 * failing, or the server ended the connection for good (`closedReason`).
 */
export type ConnectionStatus = "connecting" | "connected" | "disconnected";

export interface BoardDocument {
  /** The config the document holds now, recomputed after every change, local or remote. */
  config: BoardConfig;
  status: ConnectionStatus;
  /** The document has everything the server has (and the server everything it has). */
  synced: boolean;
  /** The document has been synced at least once, so `config` is the board's, not a blank. */
  loaded: boolean;
  /** Why the server refuses this user's edits ("read-only: …"), or null when it accepts them. */
  readOnlyReason: string | null;
  /** Another "permission denied" reason from the server, e.g. "edits paused: …", or null. */
  notice: string | null;
  /** Why the server closed the connection for good (no redial), or null. */
  closedReason: string | null;
  /** Presence: set `field` on the local state; others' states carry the server's `user`. */
  awareness: BoardAwareness | null;
  /**
   * Makes the document equal `next` (the form's new data) in one transaction that writes only
   * the differences. Ignored until the document is loaded, and while it is read-only.
   */
  change: (next: Record<string, unknown>) => void;
  /** Whether this user has an edit of their own to undo, or an undone one to redo. */
  canUndo: boolean;
  canRedo: boolean;
  /** Undoes (redoes) this user's own last edit; others' edits are never touched. */
  undo: () => void;
  redo: () => void;
}

/** Opens the sync connection of `boardId` for `doc`; tests pass one that never dials. */
export type CreateBoardProvider = (boardId: string, doc: Y.Doc) => WebsocketProvider;

/** The collab endpoint on the page's own origin (Vite proxies it in development). */
const createBoardProvider: CreateBoardProvider = (boardId, doc) =>
  // BroadcastChannel stays on: tabs of this browser share edits even while offline.
  new WebsocketProvider(`${location.origin.replace(/^http/, "ws")}/collab`, boardId, doc);

/** Failed attempts in a row after which the connection counts as lost rather than redialling. */
export const OFFLINE_AFTER_FAILED_ATTEMPTS = 3;

/** The transaction origin of the form's edits, for `doc.on("update")` listeners. */
const FORM_ORIGIN = "board-form";

const ignoreChange = () => undefined;

/** Edits closer together than this undo as one step (typing a word is one step). */
const UNDO_CAPTURE_MS = 600;

const NOT_OPEN: BoardDocument = {
  config: {},
  status: "connecting",
  synced: false,
  loaded: false,
  readOnlyReason: null,
  notice: null,
  closedReason: null,
  awareness: null,
  change: ignoreChange,
  canUndo: false,
  canRedo: false,
  undo: ignoreChange,
  redo: ignoreChange,
};

/**
 * The shared document of `boardId`, synced with the server over `/collab/<boardId>`: a `Y.Doc`
 * and a y-websocket provider that exist while a component uses the hook, and are destroyed on
 * unmount or when `boardId` changes.
 */
export function useBoardDocument(
  boardId: string,
  createProvider: CreateBoardProvider = createBoardProvider,
): BoardDocument {
  const store = useMemo(
    () => createBoardDocumentStore(boardId, createProvider),
    [boardId, createProvider],
  );
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * The connection opens with the first subscriber and closes with the last, so rendering creates
 * nothing, and React's StrictMode (subscribe, unsubscribe, subscribe) gets a fresh document.
 */
function createBoardDocumentStore(boardId: string, createProvider: CreateBoardProvider) {
  const listeners = new Set<() => void>();
  let snapshot = NOT_OPEN;
  let close: (() => void) | null = null;

  const publish = (next: Partial<BoardDocument>) => {
    snapshot = { ...snapshot, ...next };
    for (const listener of listeners) listener();
  };

  return {
    getSnapshot: () => snapshot,
    subscribe: (listener: () => void): (() => void) => {
      listeners.add(listener);
      close ??= open(boardId, createProvider, () => snapshot, publish);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        close?.();
        close = null;
        snapshot = NOT_OPEN;
      };
    },
  };
}

function open(
  boardId: string,
  createProvider: CreateBoardProvider,
  current: () => BoardDocument,
  publish: (next: Partial<BoardDocument>) => void,
): () => void {
  const doc = new Y.Doc();
  const provider = createProvider(boardId, doc);
  let socketOpen = provider.wsconnected;
  let failedAttempts = 0;
  let browserOffline = !navigator.onLine;
  let closedForGood = false;
  // Whether this connection was told it is read-only; its first sync clears an older verdict.
  let deniedOnThisConnection = false;

  const status = (): ConnectionStatus => {
    if (socketOpen) return "connected";
    if (browserOffline || closedForGood || failedAttempts >= OFFLINE_AFTER_FAILED_ATTEMPTS) {
      return "disconnected";
    }
    return "connecting";
  };

  // Tracks only the form's own transactions: remote edits and restores are not this user's.
  const undoManager = new Y.UndoManager(configRoot(doc), {
    trackedOrigins: new Set([FORM_ORIGIN]),
    captureTimeout: UNDO_CAPTURE_MS,
  });
  const editable = () => current().loaded && current().readOnlyReason === null;
  const onUndoStack = () =>
    publish({ canUndo: undoManager.canUndo(), canRedo: undoManager.canRedo() });

  publish({
    config: readConfig(doc),
    status: status(),
    awareness: provider.awareness,
    change: (next) => {
      if (editable()) setConfig(doc, toJsonConfig(next), FORM_ORIGIN);
    },
    undo: () => {
      if (editable()) undoManager.undo();
    },
    redo: () => {
      if (editable()) undoManager.redo();
    },
  });

  const onUpdate = () => publish({ config: readConfig(doc) });
  const onStatus = ({ status: next }: { status: ConnectionStatus }) => {
    socketOpen = next === "connected";
    if (socketOpen) {
      failedAttempts = 0;
      closedForGood = false;
      deniedOnThisConnection = false;
    }
    publish({ status: status(), closedReason: socketOpen ? null : current().closedReason });
  };
  // y-websocket reports a failed attempt only here (its "disconnected" status needs an open socket).
  const onConnectionClose = () => {
    socketOpen = false;
    failedAttempts += 1;
    publish({ status: status(), synced: false });
  };
  const onClosed = ({ code, reason }: { code: number; reason: string }) => {
    closedForGood = true;
    publish({ status: status(), closedReason: describeClose(code, reason) });
  };
  const onSync = (synced: boolean) => {
    const next: Partial<BoardDocument> = { synced };
    if (synced) {
      next.loaded = true;
      if (!deniedOnThisConnection) next.readOnlyReason = null;
      next.notice = null;
    }
    publish(next);
  };
  const onBrowserOnline = () => {
    browserOffline = false;
    publish({ status: status() });
  };
  const onBrowserOffline = () => {
    browserOffline = true;
    publish({ status: status() });
  };

  // The server sends y-protocols' auth message "permission denied" with a reason (the
  // connection stays open); the stock handler only logs it.
  provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
    const reason = readPermissionDenied(decoder);
    if (reason === null) return;
    if (reason.startsWith("read-only:")) {
      deniedOnThisConnection = true;
      publish({ readOnlyReason: reason });
    } else {
      publish({ notice: reason });
    }
  };
  // After "edits paused", the server's next sync message (it asks every client for what it
  // lacks once storage is back, and relays only stored edits) means edits are stored again.
  const handleSync = provider.messageHandlers[messageSync];
  provider.messageHandlers[messageSync] = (...args) => {
    handleSync?.(...args);
    if (current().notice !== null) publish({ notice: null });
  };

  doc.on("update", onUpdate);
  undoManager.on("stack-item-added", onUndoStack);
  undoManager.on("stack-item-popped", onUndoStack);
  undoManager.on("stack-cleared", onUndoStack);
  provider.on("status", onStatus);
  provider.on("connection-close", onConnectionClose);
  provider.on("closed", onClosed);
  provider.on("sync", onSync);
  window.addEventListener("online", onBrowserOnline);
  window.addEventListener("offline", onBrowserOffline);

  return () => {
    window.removeEventListener("online", onBrowserOnline);
    window.removeEventListener("offline", onBrowserOffline);
    doc.off("update", onUpdate);
    undoManager.destroy();
    // Tells the others this client left, closes the socket and the BroadcastChannel.
    provider.destroy();
    // Also ends the awareness (its renewal timer listens for the document's destroy).
    doc.destroy();
  };
}

/**
 * The form's data as plain JSON: RJSF spells an emptied field `undefined`, which a document
 * cannot hold; as JSON would, it removes the key (and turns an array element into `null`).
 */
export function toJsonConfig(formData: Record<string, unknown>): BoardConfig {
  return JSON.parse(JSON.stringify(formData)) as BoardConfig;
}

/** The part of a lib0 decoder this module reads: the message bytes and the read position. */
interface MessageDecoder {
  arr: Uint8Array;
  pos: number;
}

const PERMISSION_DENIED = 0;

/**
 * Reads the rest of a y-protocols auth message (after its message type): varUint 0 (permission
 * denied) and a varString reason. Returns the reason, or null for any other auth message.
 * Malformed input throws, as y-websocket's own decoders do.
 */
export function readPermissionDenied(decoder: MessageDecoder): string | null {
  if (readVarUint(decoder) !== PERMISSION_DENIED) return null;
  const length = readVarUint(decoder);
  const end = decoder.pos + length;
  if (end > decoder.arr.length) throw new RangeError("auth message shorter than its reason");
  const reason = new TextDecoder().decode(decoder.arr.subarray(decoder.pos, end));
  decoder.pos = end;
  return reason;
}

/** lib0's varUint: 7 bits per byte, least significant first, high bit set on all but the last. */
function readVarUint(decoder: MessageDecoder): number {
  let value = 0;
  let multiplier = 1;
  for (;;) {
    const byte = decoder.arr[decoder.pos];
    if (byte === undefined) throw new RangeError("auth message ends inside a number");
    decoder.pos += 1;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return value;
    multiplier *= 128;
    if (multiplier > Number.MAX_SAFE_INTEGER) throw new RangeError("number too large");
  }
}

/** The server's close codes that stop redialling (apps/server/README.md "Collaboration"). */
const CLOSE_REASONS: Record<number, string> = {
  4400: "the server rejected a message from this page; reload to reconnect",
  4401: "you are not signed in",
  4403: "this page's origin is not allowed to edit boards",
  4404: "the board does not exist, or you are not a member of its project",
  4413: "the board's document is too large to grow further",
  4429: "too many changes too fast; reload to reconnect",
};

function describeClose(code: number, reason: string): string {
  return (
    CLOSE_REASONS[code] ??
    `the server closed the connection (${code}${reason ? `: ${reason}` : ""})`
  );
}
