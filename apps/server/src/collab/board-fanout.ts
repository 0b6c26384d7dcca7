// Several API nodes serve one board: each keeps its own copy of the document and relays to its
// own clients. What one node has stored (document updates) and what its clients say about
// themselves (presence) reaches the others over Redis pub/sub, one channel per board. A message
// is `kind byte • node id (16 bytes) • payload`; a node ignores its own. Pub/sub delivers at
// most once, so a node that was cut off from Redis reloads its boards from PostgreSQL when it
// is back (`onResubscribed`): updates are idempotent.
import { randomBytes } from "node:crypto";

import type { Redis } from "ioredis";

import type { BoardId } from "@bbos/core";

import type { Logger } from "../logger.ts";

/** A document update, a presence update, or the board being archived (1) or restored (0). */
export type FanoutKind = "update" | "awareness" | "archive";

const KINDS: readonly FanoutKind[] = ["update", "awareness", "archive"];
const NODE_ID_BYTES = 16;

export type FanoutListener = (kind: FanoutKind, payload: Uint8Array) => void;

export interface BoardFanout {
  /** Listens to a board's channel; resolves once Redis confirmed the subscription. */
  subscribe(boardId: BoardId, listener: FanoutListener): Promise<() => Promise<void>>;
  publish(boardId: BoardId, kind: FanoutKind, payload: Uint8Array): void;
  /** Called after the connection to Redis came back, when messages may have been missed. */
  onResubscribed(listener: () => void): void;
  close(): Promise<void>;
}

export function createBoardFanout(redis: Redis, prefix: string, log: Logger): BoardFanout {
  const nodeId = randomBytes(NODE_ID_BYTES);
  const subscriber = redis.duplicate();
  const listeners = new Map<string, FanoutListener>();
  const resubscribed = new Set<() => void>();
  const channelOf = (boardId: BoardId) => `${prefix}:collab:${boardId}`;
  let connectedOnce = false;

  subscriber.on("error", (error: unknown) => log.warn({ err: error }, "collab fan-out: redis"));
  subscriber.on("ready", () => {
    // ioredis re-subscribes by itself; what was published meanwhile is lost.
    if (connectedOnce) for (const listener of resubscribed) listener();
    connectedOnce = true;
  });
  subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) => {
    const listener = listeners.get(channel.toString());
    if (!listener || message.length < 1 + NODE_ID_BYTES) return;
    if (message.subarray(1, 1 + NODE_ID_BYTES).equals(nodeId)) return;
    const kind = KINDS[message[0] ?? -1];
    if (kind) listener(kind, new Uint8Array(message.subarray(1 + NODE_ID_BYTES)));
  });

  return {
    async subscribe(boardId, listener) {
      const channel = channelOf(boardId);
      listeners.set(channel, listener);
      await subscriber.subscribe(channel);
      return async () => {
        listeners.delete(channel);
        await subscriber.unsubscribe(channel).catch(() => undefined);
      };
    },

    publish(boardId, kind, payload) {
      const message = Buffer.concat([Buffer.from([KINDS.indexOf(kind)]), nodeId, payload]);
      redis.publish(channelOf(boardId), message).catch((error: unknown) => {
        log.warn({ err: error, boardId }, "collab fan-out: publishing failed");
      });
    },

    onResubscribed(listener) {
      resubscribed.add(listener);
    },

    async close() {
      listeners.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
