// A board's durable write path on this node: updates are appended to the board's log in
// PostgreSQL in arrival order, batched while a write is in flight (so a slow write does not cost
// one round trip per update), and handed back only once stored. It also decides when the log is
// folded into the board's state (every N stored updates, and when the board goes quiet) and keeps
// the stored document's size, which bounds what a client may add.
import type { BoardId, UserId } from "@bbos/core";

import type { Logger } from "../logger.ts";
import type { BoardUpdateEntry } from "@bbos/db";

import type { CollabLimits } from "./collab-limits.ts";
import type { StoredDocument } from "./stored-document.ts";

/** Persistence of board documents: an append-only log and its compaction (see @bbos/db). */
export interface BoardStore {
  append(boardId: BoardId, entries: readonly BoardUpdateEntry[]): Promise<bigint[]>;
  /** Folds the log into the board's state; returns the size of the new state. */
  compact(boardId: BoardId): Promise<{ stateBytes: number }>;
}

/** Tells rooms when storage fails and when it is back (one per server, see collab-server.ts). */
export interface StorageMonitor {
  failed(error: unknown): void;
  onRecovered(listener: () => void): () => void;
  readonly available: boolean;
}

export interface PendingUpdate<TSource> {
  update: Uint8Array;
  /** Who sent it; handed back with the stored batch. */
  source: TSource;
  userId: UserId | null;
  clientId?: number | undefined;
}

export interface UpdateLogOptions<TSource> {
  boardId: BoardId;
  stored: StoredDocument;
  store: BoardStore;
  storage: StorageMonitor;
  limits: Pick<CollabLimits, "maxDocumentBytes" | "compactEveryUpdates" | "compactWhenIdleMs">;
  log: Logger;
  /** Each batch once it is stored, in order: now it may be applied and relayed. */
  onStored: (batch: readonly PendingUpdate<TSource>[]) => void;
  /** A batch could not be stored and was dropped; storage is marked as failing. */
  onFailed: () => void;
}

export function createUpdateLog<TSource>(options: UpdateLogOptions<TSource>) {
  const { boardId, store, storage, limits, log } = options;
  let queue: PendingUpdate<TSource>[] = [];
  let writing = false;
  let documentBytes =
    (options.stored.state?.byteLength ?? 0) +
    options.stored.updates.reduce((sum, update) => sum + update.byteLength, 0);
  let storedSinceCompaction = options.stored.updates.length;
  let idleTimer: NodeJS.Timeout | undefined;
  let compacting: Promise<void> = Promise.resolve();

  function compact(): Promise<void> {
    clearTimeout(idleTimer);
    compacting = compacting.then(async () => {
      if (storedSinceCompaction === 0) return;
      const folded = storedSinceCompaction;
      try {
        const { stateBytes } = await store.compact(boardId);
        storedSinceCompaction -= folded;
        documentBytes = stateBytes;
      } catch (error) {
        log.warn({ err: error }, "compacting the board's update log failed; will retry");
      }
    });
    return compacting;
  }

  function counted(updates: number, bytes: number): void {
    storedSinceCompaction += updates;
    documentBytes += bytes;
    if (storedSinceCompaction >= limits.compactEveryUpdates) void compact();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void compact(), limits.compactWhenIdleMs);
    idleTimer.unref();
  }

  async function writeQueued(): Promise<void> {
    if (writing) return;
    writing = true;
    try {
      while (queue.length > 0 && storage.available) {
        const batch = queue;
        queue = [];
        try {
          await store.append(boardId, batch);
        } catch (error) {
          storage.failed(error);
          options.onFailed();
          break;
        }
        counted(
          batch.length,
          batch.reduce((sum, { update }) => sum + update.byteLength, 0),
        );
        options.onStored(batch);
      }
    } finally {
      // What is left was not stored: its senders still have it and send it again on request.
      queue = [];
      writing = false;
    }
  }

  return {
    /** Whether `bytes` more keep the stored document within its maximum size. */
    fits(bytes: number): boolean {
      return documentBytes + bytes <= limits.maxDocumentBytes;
    },

    append(pending: PendingUpdate<TSource>): void {
      queue.push(pending);
      void writeQueued();
    },

    /** An update stored elsewhere: by the server itself (it counts toward compaction) or by another node. */
    noteStored(bytes: number, { here }: { here: boolean }): void {
      if (here) counted(1, bytes);
      else documentBytes += bytes;
    },

    compact,

    stop(): void {
      clearTimeout(idleTimer);
    },
  };
}
