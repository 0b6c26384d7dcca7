// Connections and an outage switch for the queue package's integration tests. Every key a test
// writes is under its own `uniquePrefix()`; `removeKeys` deletes exactly those (never FLUSHDB:
// the Redis is shared with other checkouts).
import { createServer, connect, type Server, type Socket } from "node:net";

import { Redis, type RedisOptions } from "ioredis";

import { testRedisUrl } from "@bbos/test-utils";

/** An ioredis connection that `await using` quits. */
export type TestRedis = Redis & AsyncDisposable;

/** Opens a connection to the test Redis (or `url`) and waits until it is ready. */
export async function openRedis(
  options: RedisOptions = {},
  url = testRedisUrl(),
): Promise<TestRedis> {
  const redis = new Redis(url, { lazyConnect: true, ...options }) as TestRedis;
  redis.on("error", () => {
    // Outage tests cut connections on purpose; ioredis reconnects, and commands report failures.
  });
  redis[Symbol.asyncDispose] = async () => {
    await redis.quit().catch(() => redis.disconnect());
  };
  await redis.connect();
  return redis;
}

/** Deletes every key under `prefix:`. */
export async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  const scan = redis.scanStream({ match: `${prefix}:*`, count: 1000 });
  for await (const keys of scan as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

/**
 * A TCP proxy in front of the test Redis, on port 0, to take Redis away from one client and
 * bring it back. `stop()` refuses new connections and cuts open ones, as a Redis restart would.
 */
export interface RedisProxy extends AsyncDisposable {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /**
   * While set, replies from Redis are thrown away (requests still reach it): a write lands, but
   * the client never learns it did, as when a connection dies at the wrong moment.
   */
  swallowReplies: boolean;
}

export async function startRedisProxy(): Promise<RedisProxy> {
  const target = new URL(testRedisUrl());
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | null = null;

  const listen = async () => {
    const next = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      sockets.add(client).add(upstream);
      client.on("data", (chunk) => upstream.write(chunk));
      upstream.on("data", (chunk) => {
        if (!proxy.swallowReplies) client.write(chunk);
      });
      for (const socket of [client, upstream]) {
        socket.on("error", () => {
          // Cut on purpose by stop(), or by the other side closing.
        });
        socket.on("close", () => {
          sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
    });
    await new Promise<void>((done) => next.listen(port, "127.0.0.1", done));
    port = (next.address() as { port: number }).port;
    server = next;
  };

  const proxy: RedisProxy = {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    swallowReplies: false,
    async stop() {
      const current = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (current) await new Promise((done) => current.close(done));
    },
    start: listen,
    [Symbol.asyncDispose]: () => proxy.stop(),
  };
  await listen();
  return proxy;
}
