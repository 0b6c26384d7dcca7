import { setTimeout as sleep } from "node:timers/promises";

import { DomainError } from "@bbos/core";

import { abortableIterator } from "../abortable-iterator.ts";

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
    return abortableIterator((signal) => ticks(intervalMs, signal));
  },
};
