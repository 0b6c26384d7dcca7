import { setTimeout as sleep } from "node:timers/promises";

import { DomainError } from "@bbos/core";

const MIN_INTERVAL_MS = 100;
/** A slower clock proves nothing more, and Int allows a subscription to hold its timer 24 days. */
const MAX_INTERVAL_MS = 60_000;

async function* ticks(
  intervalMs: number,
  signal: AbortSignal,
): AsyncGenerator<{ serverTime: string }> {
  while (!signal.aborted) {
    yield { serverTime: new Date().toISOString() };
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}

/** `subscription { serverTime }`: the clock once per interval, ended when the client unsubscribes. */
export const serverTime = {
  subscribe(_: unknown, { intervalMs }: { intervalMs: number }) {
    if (
      !Number.isInteger(intervalMs) ||
      intervalMs < MIN_INTERVAL_MS ||
      intervalMs > MAX_INTERVAL_MS
    ) {
      throw new DomainError(
        "BAD_INPUT",
        `intervalMs must be an integer from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}`,
      );
    }
    const stop = new AbortController();
    const iterator = ticks(intervalMs, stop.signal);
    // graphql-ws calls return() on unsubscribe or disconnect; abort the pending sleep then.
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => iterator.next(),
      return: () => {
        stop.abort();
        return iterator.return(undefined);
      },
    };
  },
};
