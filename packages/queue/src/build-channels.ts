// Build events that every API node and every worker must see, over Redis pub/sub:
//
//   `${prefix}:build-cancel`   {"buildId"}               a user cancelled the build
//   `${prefix}:build-updated`  {"buildId","projectId"}   the build's row changed in PostgreSQL
//
// Pub/sub delivers at most once, to whoever is subscribed at that moment: nothing is replayed
// after a reconnect. Messages are therefore hints. PostgreSQL stays the record (a worker checks
// the build's status before it starts, and an API node re-reads the row it is told about).
import type { Redis } from "ioredis";
import { z } from "zod";

import { listenOnChannel } from "./internal/shared-subscriber.ts";

const buildCancelSchema = z.object({ buildId: z.uuid() });
const buildUpdateSchema = z.object({ buildId: z.uuid(), projectId: z.uuid() });

/** Sent on `${prefix}:build-updated` when a build's state changed. */
export type BuildUpdatePayload = z.infer<typeof buildUpdateSchema>;

/** A message that did not match its channel's schema; it was dropped. */
export interface MalformedBuildMessage {
  channel: string;
  /** The message as received (decoded as UTF-8). */
  message: string;
  /** The JSON or zod error. */
  error: unknown;
}

/** Options for {@link createBuildChannels}. */
export interface BuildChannelsOptions {
  /** A command connection; `publish…` use it. */
  publisher: Redis;
  /**
   * A connection in subscriber mode. It may be shared with other users (e.g.
   * `createBuildLogFollower`): only this module's two channels are subscribed, and unsubscribed
   * on `close()`; the connection stays open.
   */
  subscriber: Redis;
  prefix: string;
  /** Called for each dropped message, e.g. to log and count it. */
  onMalformed?: (malformed: MalformedBuildMessage) => void;
  /**
   * Called when a listener throws; the other listeners still run.
   * @defaultValue rethrows the error outside the subscriber (as an uncaught exception)
   */
  onListenerError?: (error: unknown, channel: string) => void;
}

/** Build cancel and update events; made by {@link createBuildChannels}. */
export interface BuildChannels {
  /** Tells every process that the build was cancelled; resolves once Redis took the message. */
  publishCancel(buildId: string): Promise<void>;
  /** Listens to cancellations (of every build); returns the function that stops listening. */
  onCancel(listener: (buildId: string) => void): () => void;
  /** Tells every process that the build's row changed. */
  publishBuildUpdate(update: BuildUpdatePayload): Promise<void>;
  /** Listens to build updates (of every build); returns the function that stops listening. */
  onBuildUpdate(listener: (update: BuildUpdatePayload) => void): () => void;
  /** Stops listening and unsubscribes this module's channels; the connections stay open. */
  close(): Promise<void>;
}

/** The two channels, for callers that inspect Redis; {@link createBuildChannels} uses them. */
export function buildChannelNames(prefix: string): { cancel: string; updated: string } {
  return { cancel: `${prefix}:build-cancel`, updated: `${prefix}:build-updated` };
}

/**
 * Subscribes to the build channels (resolves once Redis confirmed both, so a message published
 * afterwards reaches the listeners) and returns publishers and listener registration.
 *
 * A message is validated on receipt; one that is not JSON or does not match its schema is
 * dropped and reported to `onMalformed`, and never throws into the subscriber connection.
 *
 * Publishing rejects, before touching Redis, when an id is not a UUID (receivers would drop it).
 */
export async function createBuildChannels(options: BuildChannelsOptions): Promise<BuildChannels> {
  const { publisher, subscriber, prefix, onMalformed, onListenerError } = options;
  const names = buildChannelNames(prefix);
  const cancelListeners = new Set<(buildId: string) => void>();
  const updateListeners = new Set<(update: BuildUpdatePayload) => void>();

  const decode = <T>(channel: string, schema: z.ZodType<T>, raw: Buffer): T | null => {
    const message = raw.toString("utf8");
    try {
      return schema.parse(JSON.parse(message));
    } catch (error) {
      onMalformed?.({ channel, message, error });
      return null;
    }
  };

  const deliver = <T>(channel: string, listeners: Set<(value: T) => void>, value: T) => {
    // A copy, so a listener that removes itself does not make the loop skip the next one.
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        if (onListenerError) onListenerError(error, channel);
        else {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
  };

  const unlistenCancel = await listenOnChannel(subscriber, names.cancel, (raw) => {
    const message = decode(names.cancel, buildCancelSchema, raw);
    if (message) deliver(names.cancel, cancelListeners, message.buildId);
  });
  let unlistenUpdated: () => Promise<void>;
  try {
    unlistenUpdated = await listenOnChannel(subscriber, names.updated, (raw) => {
      const message = decode(names.updated, buildUpdateSchema, raw);
      if (message) deliver(names.updated, updateListeners, message);
    });
  } catch (error) {
    await unlistenCancel();
    throw error;
  }

  const encode = <T>(what: string, schema: z.ZodType<T>, value: T): string => {
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new Error(`invalid ${what}: ${z.prettifyError(result.error)}`, { cause: result.error });
    }
    return JSON.stringify(result.data);
  };

  const listen = <T>(listeners: Set<T>, listener: T) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    async publishCancel(buildId) {
      await publisher.publish(names.cancel, encode("build cancel", buildCancelSchema, { buildId }));
    },
    onCancel: (listener) => listen(cancelListeners, listener),
    async publishBuildUpdate(update) {
      await publisher.publish(names.updated, encode("build update", buildUpdateSchema, update));
    },
    onBuildUpdate: (listener) => listen(updateListeners, listener),
    async close() {
      cancelListeners.clear();
      updateListeners.clear();
      await Promise.all([unlistenCancel(), unlistenUpdated()]);
    },
  };
}
