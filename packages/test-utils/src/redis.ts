import { randomUUID } from "node:crypto";

import type { Redis } from "ioredis";

/** A key prefix no other test uses; for BullMQ clean up with `queue.obliterate({ force: true })`. */
export function uniquePrefix(): string {
  return `test-${randomUUID()}`;
}

/** Deletes the plain keys under `prefix` (for non-BullMQ data such as caches). */
export async function removeRedisKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<
    string[]
  >) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
}
