// Live tails of build logs for one process (e.g. an API node serving log subscriptions). All
// follows share one SUBSCRIBE on the build-log channel; a message (a build id) only wakes the
// follows of that build, and each then reads the stream after its own cursor. The cursor is the
// id of the last entry read, and reads are exclusive of it, so a line is never yielded twice and
// never skipped (short of trimming, which is reported). A wake-up that arrives while a read is in
// flight is kept and causes one more read; pub/sub may lose messages (e.g. while reconnecting),
// so every follow also re-reads on a timer.
import type { Redis } from "ioredis";

import {
  buildLogChannel,
  buildLogKey,
  readLogEntries,
  type BuildLogLine,
  type EntryId,
} from "./build-log.ts";
import { listenOnChannel } from "./internal/shared-subscriber.ts";

/** Options for {@link createBuildLogFollower}. */
export interface BuildLogFollowerOptions {
  /**
   * A connection in subscriber mode (only for pub/sub). It may be shared with other users, such
   * as `createBuildChannels`; the follower subscribes and unsubscribes only its own channel and
   * leaves the connection open.
   */
  subscriber: Redis;
  /** A connection for commands (the reads). */
  redis: Redis;
  /** The prefix the writers use. */
  prefix: string;
  /**
   * Each follow re-reads this often even without a message, in case one was lost.
   * @defaultValue 2000
   */
  rereadIntervalMs?: number;
  /**
   * Entries per read.
   * @defaultValue 1000
   */
  batchSize?: number;
}

/** Follows build logs; made by {@link createBuildLogFollower}. */
export interface BuildLogFollower {
  /**
   * Yields every line with `seq > after`, then each new line as it is written, and finishes after
   * the log's end marker. If lines after the cursor were trimmed, it first yields a `sys` line
   * saying how many are gone (its `seq` is the last missing one). While the log does not exist
   * (the build has not started), it waits. It also finishes, without error, when `signal` aborts
   * or the follower is closed. A failed read (Redis unreachable for longer than the `redis`
   * connection retries) ends the iteration with that error; follow again after the last `seq`.
   */
  follow(buildId: string, after: number, signal: AbortSignal): AsyncIterable<BuildLogLine>;
  /** Ends every follow and unsubscribes; the connections stay open. */
  close(): Promise<void>;
}

/** A follow waiting for news: `wake` resolves its current wait, or marks it dirty. */
interface Waiter {
  dirty: boolean;
  wake: () => void;
}

/**
 * Subscribes to the build-log channel (resolves once Redis confirmed it) and returns a follower
 * that serves any number of follows over it.
 */
export async function createBuildLogFollower(
  options: BuildLogFollowerOptions,
): Promise<BuildLogFollower> {
  const { subscriber, redis, prefix, rereadIntervalMs = 2_000, batchSize = 1_000 } = options;
  const waiters = new Map<string, Set<Waiter>>();
  let closed = false;

  const wakeAll = () => {
    for (const set of waiters.values()) for (const waiter of set) waiter.wake();
  };
  const unlisten = await listenOnChannel(subscriber, buildLogChannel(prefix), (message) => {
    for (const waiter of waiters.get(message.toString()) ?? []) waiter.wake();
  });
  // After a reconnect ioredis subscribes again by itself, but what was published in between is
  // lost: read at once instead of waiting for the timer.
  subscriber.on("ready", wakeAll);

  async function* follow(
    buildId: string,
    after: number,
    signal: AbortSignal,
  ): AsyncGenerator<BuildLogLine> {
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new RangeError(`after must be a non-negative integer, got ${after}`);
    }
    const key = buildLogKey(prefix, buildId);
    let resolveWait: (() => void) | null = null;
    const waiter: Waiter = {
      dirty: true,
      wake() {
        waiter.dirty = true;
        resolveWait?.();
      },
    };
    let set = waiters.get(buildId);
    if (!set) waiters.set(buildId, (set = new Set()));
    set.add(waiter);
    signal.addEventListener("abort", waiter.wake);
    // `after-0`, exclusive: end markers right after line `after` are read as well.
    let cursor: EntryId = { seq: after, sub: 0 };
    try {
      while (!signal.aborted && !closed) {
        if (!waiter.dirty) {
          await new Promise<void>((resolve) => {
            const timeout = setTimeout(resolve, rereadIntervalMs);
            resolveWait = () => {
              clearTimeout(timeout);
              resolve();
            };
          });
          resolveWait = null;
          if (signal.aborted || closed) return;
          // Woken or timed out: either way, read.
        }
        // Cleared before the read: a message that comes during the read sets it again.
        waiter.dirty = false;
        const snapshot = await readLogEntries(redis, key, cursor, batchSize);
        if (signal.aborted || closed) return;
        const first = snapshot.firstAvailableSeq;
        if (first !== null && first - 1 > cursor.seq) {
          const missing = first - 1 - cursor.seq;
          cursor = { seq: first - 1, sub: 0 };
          yield {
            seq: first - 1,
            at: Date.now(),
            stream: "sys",
            text: `[bbos] ${missing} earlier log lines are no longer available`,
          };
        }
        for (const entry of snapshot.entries) {
          cursor = entry.id;
          if (entry.line) yield entry.line;
          if (signal.aborted || closed) return;
        }
        if (snapshot.ended) return;
        // A full batch means more is waiting: read on without sleeping.
        if (snapshot.entries.length === batchSize) waiter.dirty = true;
      }
    } finally {
      signal.removeEventListener("abort", waiter.wake);
      set.delete(waiter);
      if (set.size === 0 && waiters.get(buildId) === set) waiters.delete(buildId);
    }
  }

  return {
    follow: (buildId, after, signal) => follow(buildId, after, signal),
    async close() {
      if (closed) return;
      closed = true;
      subscriber.off("ready", wakeAll);
      wakeAll();
      await unlisten();
    },
  };
}
