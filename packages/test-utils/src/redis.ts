import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";

import { isAbandoned, TEST_RUN_NAMES, testRunTag } from "./test-run.ts";
import { testRedisUrl } from "./urls.ts";

/**
 * A key prefix no other test uses, named after the test run; for BullMQ clean up with
 * `queue.obliterate({ force: true })`.
 */
export function uniquePrefix(): string {
  return `${testRunTag()}_${randomUUID().slice(0, 13)}`;
}

async function unlinkMatching(
  redis: Redis,
  match: string,
  keep: (key: string) => boolean = () => false,
): Promise<number> {
  let removed = 0;
  for await (const keys of redis.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>) {
    const doomed = keys.filter((key) => !keep(key));
    if (doomed.length > 0) removed += await redis.unlink(...doomed);
  }
  return removed;
}

/** Deletes the plain keys under `prefix` (for non-BullMQ data such as caches). */
export async function removeRedisKeys(redis: Redis, prefix: string): Promise<void> {
  await unlinkMatching(redis, `${prefix}:*`);
}

/** Deletes the keys of test runs that provably ended; returns how many went. */
export async function removeAbandonedRedisKeys(): Promise<number> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    return await unlinkMatching(redis, TEST_RUN_NAMES.match, (key) => !isAbandoned(key));
  } finally {
    redis.disconnect();
  }
}
