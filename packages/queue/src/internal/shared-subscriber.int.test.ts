import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { uniquePrefix } from "@bbos/test-utils";

import { openRedis, type TestRedis } from "../../test/redis-fixtures.ts";
import { listenOnChannel } from "./shared-subscriber.ts";

describe("listenOnChannel", () => {
  let redis: TestRedis;
  let subscriber: TestRedis;
  let channel: string;

  beforeEach(async () => {
    redis = await openRedis();
    subscriber = await openRedis();
    channel = `${uniquePrefix()}:test-channel`;
  });

  afterEach(async () => {
    await subscriber[Symbol.asyncDispose]();
    await redis[Symbol.asyncDispose]();
  });

  const numSub = async () => {
    const [, count] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
    return count;
  };

  it("keeps a channel subscribed until its last listener leaves", async () => {
    const a: string[] = [];
    const b: string[] = [];
    const [stopA, stopB] = await Promise.all([
      listenOnChannel(subscriber, channel, (message) => a.push(message.toString())),
      listenOnChannel(subscriber, channel, (message) => b.push(message.toString())),
    ]);
    await redis.publish(channel, "one");
    await vi.waitFor(() => expect([a, b]).toEqual([["one"], ["one"]]));

    await stopA();
    await stopA(); // a second call changes nothing
    expect(await numSub()).toBe(1);
    await redis.publish(channel, "two");
    await vi.waitFor(() => expect(b).toEqual(["one", "two"]));
    expect(a).toEqual(["one"]);

    await stopB();
    expect(await numSub()).toBe(0);
    expect(subscriber.listenerCount("messageBuffer")).toBe(0);
  });

  it("ends subscribed when a listener arrives while the last one is leaving", async () => {
    const received: string[] = [];
    const stopFirst = await listenOnChannel(subscriber, channel, () => {});
    const [, stopSecond] = await Promise.all([
      stopFirst(),
      listenOnChannel(subscriber, channel, (message) => received.push(message.toString())),
    ]);
    expect(await numSub()).toBe(1);
    await redis.publish(channel, "still here");
    await vi.waitFor(() => expect(received).toEqual(["still here"]));
    await stopSecond();
  });
});
