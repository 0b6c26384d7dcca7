// The boards this API node has open, and the one way the server itself changes a board's
// document (schema upgrade, version restore): compute the change as a Yjs update on a copy,
// store it in the board's log (with any other writes, in one transaction), then hand it to the
// live document, which relays it to every client here and on other nodes. Documents are never
// rebuilt from JSON.
import type { Redis } from "ioredis";
import * as Y from "yjs";

import type { BoardId, UserId } from "@bbos/core";
import {
  appendBoardUpdates,
  compactBoardLog,
  pingDatabase,
  readBoardLog,
  transaction,
  type Db,
  type Prisma,
} from "@bbos/db";

import type { Logger } from "../logger.ts";
import { createBoardFanout } from "./board-fanout.ts";
import { createBoardRoom, type BoardRoom } from "./board-room.ts";
import { DEFAULT_COLLAB_LIMITS, type CollabLimits } from "./collab-limits.ts";
import type { BoardStore, StorageMonitor } from "./update-log.ts";
import { documentFromStore, mergeStoredDocument } from "./stored-document.ts";

export interface CollabHubOptions {
  db: Db;
  redis: Redis;
  /** Namespace of the fan-out channels, shared by the API nodes of one installation. */
  redisPrefix: string;
  log: Logger;
  limits?: Partial<CollabLimits> | undefined;
  /** How often to probe PostgreSQL while it is failing. @defaultValue 1000 */
  storageProbeMs?: number;
}

export interface ServerEditOptions {
  userId: UserId | null;
  /** Further writes that must commit with the update, or not at all. */
  alsoStore?: (tx: Prisma.TransactionClient) => Promise<void>;
}

function createStore(db: Db): BoardStore {
  return {
    append: (boardId, entries) => appendBoardUpdates(db, boardId, entries),
    compact: (boardId) =>
      compactBoardLog(db, boardId, (state, updates) => mergeStoredDocument({ state, updates })),
  };
}

/** Marks storage as down on the first failure and probes it until it answers again. */
function createStorageMonitor(db: Db, probeMs: number, log: Logger) {
  const listeners = new Set<() => void>();
  let available = true;
  let probe: NodeJS.Timeout | undefined;

  function check(): void {
    pingDatabase(db).then(
      () => {
        probe = undefined;
        available = true;
        log.info("board storage is back; asking clients for the edits it refused");
        for (const listener of listeners) listener();
      },
      () => {
        probe = setTimeout(check, probeMs);
      },
    );
  }

  return {
    get available() {
      return available;
    },
    failed(error: unknown) {
      if (!available) return;
      available = false;
      log.error({ err: error }, "storing a board update failed; edits are paused");
      probe = setTimeout(check, probeMs);
    },
    onRecovered(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      clearTimeout(probe);
    },
  } satisfies StorageMonitor & { stop: () => void };
}

/** The change `change` makes to `base`, as one Yjs update, or null when it changes nothing. */
function updateFrom(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array | null {
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
    const updates: Uint8Array[] = [];
    copy.on("update", (update: Uint8Array) => updates.push(update));
    change(copy);
    return updates.length === 0 ? null : Y.mergeUpdates(updates);
  } finally {
    copy.destroy();
  }
}

export function createCollabHub(options: CollabHubOptions) {
  const { db, log } = options;
  const limits = { ...DEFAULT_COLLAB_LIMITS, ...options.limits };
  const store = createStore(db);
  const storage = createStorageMonitor(db, options.storageProbeMs ?? 1000, log);
  const fanout = createBoardFanout(options.redis, options.redisPrefix, log);
  // One load per board, however many clients connect at once.
  const rooms = new Map<BoardId, Promise<BoardRoom>>();

  fanout.onResubscribed(() => {
    for (const [boardId, opening] of rooms) {
      void Promise.all([opening, readBoardLog(db, boardId)])
        .then(([room, stored]) => stored && room.catchUp(stored))
        .catch((error: unknown) => log.warn({ err: error, boardId }, "collab catch-up failed"));
    }
  });

  async function load(boardId: BoardId): Promise<BoardRoom> {
    // Subscribe before reading the log, so nothing published in between is missed; what
    // arrives before the room exists is applied right after.
    const early: [Parameters<BoardRoom["receiveRemote"]>[0], Uint8Array][] = [];
    let room: BoardRoom | undefined;
    const unsubscribe = await fanout.subscribe(boardId, (kind, payload) => {
      if (room) room.receiveRemote(kind, payload);
      else early.push([kind, payload]);
    });
    try {
      const stored = await readBoardLog(db, boardId);
      if (!stored) throw new Error(`board ${boardId} vanished while opening`);
      room = createBoardRoom({
        log: stored,
        store,
        publish: (kind, payload) => fanout.publish(boardId, kind, payload),
        storage,
        limits,
        logger: log,
        onEmpty: () => {
          rooms.delete(boardId);
          void unsubscribe();
        },
      });
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    for (const [kind, payload] of early) room.receiveRemote(kind, payload);
    return room;
  }

  return {
    limits,
    storage,

    /** The board's room on this node, loading it from PostgreSQL the first time. */
    openRoom(boardId: BoardId): Promise<BoardRoom> {
      let room = rooms.get(boardId);
      if (!room) {
        room = load(boardId);
        rooms.set(boardId, room);
        room.catch(() => rooms.delete(boardId));
      }
      return room;
    },

    /**
     * Changes the board's document on the server's behalf. Resolves once the change (and
     * `alsoStore`'s writes, which run even when the document does not change) is stored and
     * handed to the live document; returns false when the document did not change.
     */
    async edit(
      boardId: BoardId,
      change: (doc: Y.Doc) => void,
      { userId, alsoStore }: ServerEditOptions,
    ): Promise<boolean> {
      const open = rooms.get(boardId);
      let update: Uint8Array | null;
      if (open) {
        update = updateFrom((await open).doc, change);
      } else {
        const stored = await readBoardLog(db, boardId);
        if (!stored) throw new Error(`board ${boardId} not found`);
        const doc = documentFromStore(stored);
        update = updateFrom(doc, change);
        doc.destroy();
      }
      const stored = update;
      await transaction(db, async (tx) => {
        if (stored) await appendBoardUpdates(tx, boardId, [{ update: stored, userId }]);
        await alsoStore?.(tx);
      });
      if (!stored) return false;
      // Opened meanwhile or not, the live copy (if any) gets it; other nodes get it either way.
      const live = rooms.get(boardId);
      if (live) (await live).applyStored(stored);
      else fanout.publish(boardId, "update", stored);
      return true;
    },

    /** Tells the board's live connections, here and on other nodes, that it was (un)archived. */
    async setArchived(boardId: BoardId, archived: boolean): Promise<void> {
      const live = rooms.get(boardId);
      if (live) (await live).setArchived(archived);
      else fanout.publish(boardId, "archive", Uint8Array.of(archived ? 1 : 0));
    },

    /** Closes every board's connections, compacts their logs and leaves Redis. */
    async close(): Promise<void> {
      storage.stop();
      const open = await Promise.allSettled(rooms.values());
      await Promise.all(
        open.flatMap((result) => (result.status === "fulfilled" ? [result.value.close()] : [])),
      );
      await fanout.close();
    },
  };
}

export type CollabHub = ReturnType<typeof createCollabHub>;
