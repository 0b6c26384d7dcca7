import { Redis } from "ioredis";

/** What a connection is for; BullMQ needs different ioredis settings for each. */
export type RedisConnectionRole = "worker" | "producer";

/** Options for {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /** `worker` for BullMQ `Worker`s, `producer` for `Queue`s that only add jobs. */
  role: RedisConnectionRole;
}

/**
 * Opens an ioredis connection configured for BullMQ. Pass it as `connection` to a `Queue` or
 * `Worker`; BullMQ duplicates it where it needs a blocking connection and leaves the one passed
 * in open, so the caller closes it with `quit()` after closing the queues and workers.
 *
 * Never set ioredis `keyPrefix`: BullMQ rejects it; use BullMQ's `prefix` option instead.
 */
export function createRedisConnection(url: string, { role }: RedisConnectionOptions): Redis {
  switch (role) {
    case "worker":
      // A worker must ride out Redis restarts: with `null`, ioredis queues commands and retries
      // them forever instead of failing them after 20 attempts, which would crash the blocking
      // fetch loop. BullMQ refuses worker connections that set any other value.
      return new Redis(url, { maxRetriesPerRequest: null });
    case "producer":
      // A producer runs inside a request (e.g. the `startBuild` mutation). If Redis is down,
      // adding a job should fail now, so the caller can report it, instead of sitting in
      // ioredis' offline queue while the request hangs.
      return new Redis(url, { enableOfflineQueue: false });
  }
}
