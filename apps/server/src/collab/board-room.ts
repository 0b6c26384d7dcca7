// One open board: its Yjs document, the presence of everyone on it, and their connections.
//
// The write path is what makes edits durable. A client's update is appended to the board's log
// in PostgreSQL first (update-log.ts); only once it is stored is it applied to the document, and
// the document's "update" event relays it to the other clients. An update that could not be
// stored is neither applied nor relayed: the client still has it, and sends it again when the
// server asks (sync step 1) after storage is back.
import type { WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";

import type { UserId } from "@bbos/core";
import type { BoardLog } from "@bbos/db";

import type { Logger } from "../logger.ts";
import { CollabCloseCode, PermissionDeniedReason } from "./close-codes.ts";
import {
  awarenessMessage,
  isEmptyUpdate,
  MalformedMessageError,
  parseClientMessage,
  permissionDeniedMessage,
  syncStep1Message,
  syncStep2Message,
  updateMessage,
  type ClientMessage,
} from "./messages.ts";
import {
  decodeAwarenessUpdate,
  encodeAwarenessUpdate,
  stampAwarenessEntries,
  type PresenceUser,
} from "./presence.ts";
import type { FanoutKind } from "./board-fanout.ts";
import type { CollabLimits } from "./collab-limits.ts";
import { addsSecretValue } from "./secret-guard.ts";
import { createUpdateLog, type BoardStore, type StorageMonitor } from "./update-log.ts";
import { documentFromStore, type StoredDocument } from "./stored-document.ts";

export interface JoinOptions {
  userId: UserId;
  user: PresenceUser;
  /** Whether the user's role allows editing; the board may still be archived. */
  mayEdit: boolean;
}

interface Connection extends JoinOptions {
  socket: WebSocket;
  clientIds: Set<number>;
  tokens: number;
  refilledAt: number;
}

/** Origin of changes that came from another API node: relayed to local clients only. */
const REMOTE = Symbol("remote");
/** Origin of changes the server itself made and stored (restore, schema upgrade). */
const SERVER = Symbol("server");

export interface BoardRoomOptions {
  log: BoardLog;
  store: BoardStore;
  /** Tells the other API nodes what this one stored or heard. */
  publish: (kind: FanoutKind, payload: Uint8Array) => void;
  storage: StorageMonitor;
  limits: CollabLimits;
  logger: Logger;
  /** Called when the last connection has left and the log is compacted. */
  onEmpty: () => void;
}

export function createBoardRoom({
  log: stored,
  store,
  publish,
  storage,
  limits,
  logger,
  onEmpty,
}: BoardRoomOptions) {
  const boardId = stored.boardId;
  const doc = documentFromStore(stored);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const connections = new Set<Connection>();
  /** Who wants to hear of every change (live validation); they keep the room open too. */
  const watchers = new Set<() => void>();
  const clientOwners = new Map<number, Connection>();
  let archived = stored.archivedAt !== null;

  /** Null: the connection may edit now. Otherwise why it may not. */
  function readOnlyReason(connection: Connection): string | null {
    if (!connection.mayEdit) return PermissionDeniedReason.READ_ONLY;
    return archived ? PermissionDeniedReason.ARCHIVED : null;
  }
  const log = logger.child({ boardId });

  function send(connection: Connection, message: Uint8Array): void {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(message);
  }

  function broadcast(message: Uint8Array, except?: Connection): void {
    for (const connection of connections) if (connection !== except) send(connection, message);
  }

  doc.on("update", (update: Uint8Array, origin: unknown) => {
    for (const watcher of watchers) watcher();
    // The sender has it already; anything else (a restore, another API node) goes to everyone.
    const sender = connections.has(origin as Connection) ? (origin as Connection) : undefined;
    broadcast(updateMessage(update), sender);
  });

  awareness.on(
    "update",
    (
      { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ) => {
      const changed = [...added, ...updated, ...removed];
      const update = awarenessProtocol.encodeAwarenessUpdate(awareness, changed);
      broadcast(awarenessMessage(update));
      if (origin !== REMOTE) publish("awareness", update);
    },
  );

  const unsubscribe = storage.onRecovered(() => {
    // Every client answers with the updates the server lacks, refused ones included.
    const request = syncStep1Message(doc);
    for (const connection of connections) send(connection, request);
  });

  const updates = createUpdateLog<Connection>({
    boardId,
    stored,
    store,
    storage,
    limits,
    log,
    onStored(batch) {
      for (const { source, update } of batch) Y.applyUpdate(doc, update, source);
      publish("update", Y.mergeUpdates(batch.map(({ update }) => update)));
    },
    onFailed() {
      const paused = permissionDeniedMessage(PermissionDeniedReason.STORAGE_UNAVAILABLE);
      for (const connection of connections) {
        if (readOnlyReason(connection) === null) send(connection, paused);
      }
    },
  });

  function receiveUpdate(connection: Connection, update: Uint8Array): void {
    if (isEmptyUpdate(update)) return;
    const refused = readOnlyReason(connection);
    if (refused !== null) {
      send(connection, permissionDeniedMessage(refused));
      return;
    }
    if (!storage.available) {
      send(connection, permissionDeniedMessage(PermissionDeniedReason.STORAGE_UNAVAILABLE));
      return;
    }
    if (!updates.fits(update.byteLength)) {
      connection.socket.close(CollabCloseCode.DOCUMENT_TOO_LARGE, "document too large");
      return;
    }
    if (addsSecretValue(doc, update)) {
      log.info({ user: connection.user.login }, "refused a value in a secret field");
      connection.socket.close(CollabCloseCode.SECRET_VALUE, "secret fields are set with setSecret");
      return;
    }
    updates.append({
      update,
      source: connection,
      userId: connection.userId,
      clientId: connection.clientIds.values().next().value,
    });
  }

  function receiveAwareness(connection: Connection, update: Uint8Array): void {
    const entries = stampAwarenessEntries(decodeAwarenessUpdate(update), {
      user: connection.user,
      // A client id is this connection's if it introduced it, or free if no other user's
      // presence (here or on another node) uses it.
      mayUse: (clientId) => {
        const owner = clientOwners.get(clientId);
        if (owner) return owner === connection;
        const known = awareness.getStates().get(clientId) as
          { user?: { id?: unknown } } | undefined;
        return known?.user?.id === undefined || known.user.id === connection.userId;
      },
      maxStateChars: limits.maxPresenceStateChars,
    });
    if (entries.length === 0) return;
    for (const { clientId } of entries) {
      clientOwners.set(clientId, connection);
      connection.clientIds.add(clientId);
    }
    awarenessProtocol.applyAwarenessUpdate(awareness, encodeAwarenessUpdate(entries), connection);
  }

  function handle(connection: Connection, message: ClientMessage): void {
    switch (message.kind) {
      case "sync-step-1":
        send(connection, syncStep2Message(doc, message.stateVector));
        return;
      case "update":
        receiveUpdate(connection, message.update);
        return;
      case "awareness":
        receiveAwareness(connection, message.update);
        return;
      case "query-awareness":
        send(connection, awarenessMessage(allAwareness()));
        return;
    }
  }

  function allAwareness(): Uint8Array {
    return awarenessProtocol.encodeAwarenessUpdate(awareness, [...awareness.getStates().keys()]);
  }

  function withinRate(connection: Connection): boolean {
    const now = performance.now();
    connection.tokens = Math.min(
      limits.messageBurst,
      connection.tokens + ((now - connection.refilledAt) / 1000) * limits.messagesPerSecond,
    );
    connection.refilledAt = now;
    if (connection.tokens < 1) return false;
    connection.tokens -= 1;
    return true;
  }

  function receive(connection: Connection, data: Buffer, isBinary: boolean): void {
    if (!withinRate(connection)) {
      connection.socket.close(CollabCloseCode.RATE_LIMITED, "too many messages");
      return;
    }
    try {
      if (!isBinary) throw new MalformedMessageError("text frame");
      handle(connection, parseClientMessage(new Uint8Array(data)));
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      log.info({ user: connection.user.login, reason: error.message }, "malformed collab message");
      connection.socket.close(CollabCloseCode.MALFORMED_MESSAGE, "malformed message");
    }
  }

  function setArchived(value: boolean, { fromRemote }: { fromRemote: boolean }): void {
    if (archived === value) return;
    archived = value;
    if (!fromRemote) publish("archive", Uint8Array.of(value ? 1 : 0));
    // Archived: editors are told. Restored: they are asked for what the server refused meanwhile,
    // because their later edits build on it (as after a storage outage).
    const message = value
      ? permissionDeniedMessage(PermissionDeniedReason.ARCHIVED)
      : syncStep1Message(doc);
    for (const connection of connections) if (connection.mayEdit) send(connection, message);
  }

  const idle = () => connections.size === 0 && watchers.size === 0;

  function destroy(): void {
    unsubscribe();
    updates.stop();
    awareness.destroy();
    doc.destroy();
  }

  /** Unloads the room once nobody is on it, after folding its log. */
  function closeIfIdle(): void {
    if (!idle()) return;
    void updates.compact().then(() => {
      if (!idle() || doc.isDestroyed) return;
      onEmpty();
      destroy();
    });
  }

  function leave(connection: Connection): void {
    if (!connections.delete(connection)) return;
    for (const clientId of connection.clientIds) clientOwners.delete(clientId);
    awarenessProtocol.removeAwarenessStates(awareness, [...connection.clientIds], null);
    closeIfIdle();
  }

  return {
    boardId,
    get connectionCount(): number {
      return connections.size;
    },

    join(socket: WebSocket, options: JoinOptions): void {
      const connection: Connection = {
        ...options,
        socket,
        clientIds: new Set(),
        tokens: limits.messageBurst,
        refilledAt: performance.now(),
      };
      connections.add(connection);
      socket.on("message", (data: Buffer, isBinary) => receive(connection, data, isBinary));
      socket.on("close", () => leave(connection));
      socket.on("error", () => socket.terminate());
      send(connection, syncStep1Message(doc));
      if (awareness.getStates().size > 0) send(connection, awarenessMessage(allAwareness()));
      const refused = readOnlyReason(connection);
      if (refused !== null) {
        send(connection, permissionDeniedMessage(refused));
      } else if (!storage.available) {
        send(connection, permissionDeniedMessage(PermissionDeniedReason.STORAGE_UNAVAILABLE));
      }
    },

    /**
     * Calls `listener` after every change of the document, from any client or node, until the
     * returned function is called; the room stays open meanwhile.
     */
    watch(listener: () => void): () => void {
      watchers.add(listener);
      return () => {
        if (watchers.delete(listener)) closeIfIdle();
      };
    },

    /** The live document: read it, never change it (changes go through {@link applyStored}). */
    doc,

    /** Applies an update the server has stored itself, for every client here and elsewhere. */
    applyStored(update: Uint8Array): void {
      updates.noteStored(update.byteLength, { here: true });
      Y.applyUpdate(doc, update, SERVER);
      publish("update", update);
    },

    /** Archiving makes every connection read-only at once, here and on the other nodes. */
    setArchived(value: boolean): void {
      setArchived(value, { fromRemote: false });
    },

    /** What another API node stored or heard about this board. */
    receiveRemote(kind: FanoutKind, payload: Uint8Array): void {
      if (kind === "update") {
        updates.noteStored(payload.byteLength, { here: false });
        Y.applyUpdate(doc, payload, REMOTE);
      } else if (kind === "awareness") {
        awarenessProtocol.applyAwarenessUpdate(awareness, payload, REMOTE);
      } else {
        setArchived(payload[0] === 1, { fromRemote: true });
      }
    },

    /** Applies the stored document again, for updates another node's messages may have missed. */
    catchUp(stored: StoredDocument): void {
      doc.transact(() => {
        if (stored.state) Y.applyUpdate(doc, stored.state);
        for (const update of stored.updates) Y.applyUpdate(doc, update);
      }, REMOTE);
    },

    /** Closes every connection and compacts what is stored. */
    async close(): Promise<void> {
      for (const connection of connections) {
        connection.socket.close(CollabCloseCode.GOING_AWAY, "server shutting down");
      }
      await updates.compact();
      if (!doc.isDestroyed) destroy();
    },
  };
}

export type BoardRoom = ReturnType<typeof createBoardRoom>;
