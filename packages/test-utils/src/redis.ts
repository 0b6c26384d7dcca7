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

/** Deletes the keys of test runs that provably ended; returns how many went. */
export async function removeAbandonedRedisKeys(): Promise<number> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let removed = 0;
    const scan = redis.scanStream({ match: TEST_RUN_NAMES.match, count: 1000 });
    for await (const keys of scan as AsyncIterable<string[]>) {
      const abandoned = keys.filter(isAbandoned);
      if (abandoned.length > 0) removed += await redis.unlink(...abandoned);
    }
    return removed;
  } finally {
    redis.disconnect();
  }
}
