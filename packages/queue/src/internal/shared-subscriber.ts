// One ioredis connection in subscriber mode can serve every pub/sub user in a process (the build
// log follower, the build channels, …). Each user subscribes its own channels through here and
// gets only its own messages; a channel is SUBSCRIBEd when its first listener arrives and
// UNSUBSCRIBEd when its last one leaves, so closing one user never silences another.
import type { Redis } from "ioredis";

/** Receives the raw message of one channel. */
export type ChannelListener = (message: Buffer) => void;

interface ChannelState {
  listeners: Set<ChannelListener>;
  /** Settles when the SUBSCRIBE issued for the current listeners is confirmed (or failed). */
  subscribed: Promise<void>;
}

interface Router {
  channels: Map<string, ChannelState>;
  onMessage: (channel: Buffer, message: Buffer) => void;
}

const routers = new WeakMap<Redis, Router>();

function routerOf(subscriber: Redis): Router {
  const existing = routers.get(subscriber);
  if (existing) return existing;
  const channels = new Map<string, ChannelState>();
  const onMessage = (channel: Buffer, message: Buffer) => {
    const state = channels.get(channel.toString());
    if (!state) return;
    // A copy, so a listener that unsubscribes while being called does not skip its neighbour.
    for (const listener of [...state.listeners]) listener(message);
  };
  subscriber.on("messageBuffer", onMessage);
  const router = { channels, onMessage };
  routers.set(subscriber, router);
  return router;
}

/**
 * Adds `listener` to `channel` on the shared `subscriber` connection. Resolves once Redis has
 * confirmed the subscription, so anything published afterwards reaches the listener; returns the
 * function that removes it again (and UNSUBSCRIBEs when it was the channel's last listener).
 *
 * Commands on one connection run in the order they were sent, so SUBSCRIBE and UNSUBSCRIBE for a
 * channel always leave Redis in the state the listener sets describe.
 */
export async function listenOnChannel(
  subscriber: Redis,
  channel: string,
  listener: ChannelListener,
): Promise<() => Promise<void>> {
  const router = routerOf(subscriber);
  let state = router.channels.get(channel);
  if (!state) {
    state = { listeners: new Set(), subscribed: subscriber.subscribe(channel).then(() => {}) };
    router.channels.set(channel, state);
  }
  const own = state;
  own.listeners.add(listener);
  try {
    await own.subscribed;
  } catch (error) {
    await removeListener(subscriber, router, channel, own, listener);
    throw new Error(`subscribing to ${channel} failed`, { cause: error });
  }
  let removed = false;
  return async () => {
    if (removed) return;
    removed = true;
    await removeListener(subscriber, router, channel, own, listener);
  };
}

async function removeListener(
  subscriber: Redis,
  router: Router,
  channel: string,
  state: ChannelState,
  listener: ChannelListener,
): Promise<void> {
  state.listeners.delete(listener);
  if (state.listeners.size > 0 || router.channels.get(channel) !== state) return;
  router.channels.delete(channel);
  if (router.channels.size === 0) {
    subscriber.off("messageBuffer", router.onMessage);
    routers.delete(subscriber);
  }
  try {
    await subscriber.unsubscribe(channel);
  } catch {
    // The connection is closed or closing: it holds no subscription any more, which is what
    // unsubscribing wanted.
  }
}
