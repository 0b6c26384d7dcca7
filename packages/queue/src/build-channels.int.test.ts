import { randomUUID } from "node:crypto";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { uniquePrefix } from "@bbos/test-utils";

import { openRedis, removeKeys, type TestRedis } from "../test/redis-fixtures.ts";
import {
  buildChannelNames,
  createBuildChannels,
  type BuildUpdatePayload,
  type MalformedBuildMessage,
} from "./build-channels.ts";
import { createBuildLogFollower } from "./build-log-follower.ts";
import { createBuildLogWriter } from "./build-log-writer.ts";
import type { BuildLogLine } from "./build-log.ts";

const numSub = async (redis: TestRedis, channel: string) => {
  const [, count] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
  return count;
};

describe("createBuildChannels", () => {
  let redis: TestRedis;
  let prefix: string;

  beforeEach(async () => {
    redis = await openRedis();
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await removeKeys(redis, prefix);
    await redis[Symbol.asyncDispose]();
  });

  it("delivers cancel and update messages to another connection", async () => {
    // Two processes: an API node that publishes, a worker that listens.
    await using apiSubscriber = await openRedis();
    await using workerSubscriber = await openRedis();
    await using workerPublisher = await openRedis();
    const api = await createBuildChannels({ publisher: redis, subscriber: apiSubscriber, prefix });
    const worker = await createBuildChannels({
      publisher: workerPublisher,
      subscriber: workerSubscriber,
      prefix,
    });
    const cancelled: string[] = [];
    const updates: BuildUpdatePayload[] = [];
    worker.onCancel((buildId) => cancelled.push(buildId));
    worker.onBuildUpdate((update) => updates.push(update));
    const seenByApi: string[] = [];
    api.onCancel((buildId) => seenByApi.push(buildId));

    const buildId = randomUUID();
    const projectId = randomUUID();
    await api.publishCancel(buildId);
    await api.publishBuildUpdate({ buildId, projectId });

    await vi.waitFor(() => {
      expect(cancelled).toEqual([buildId]);
      expect(updates).toEqual([{ buildId, projectId }]);
      expect(seenByApi).toEqual([buildId]);
    });
    await Promise.all([api.close(), worker.close()]);
  });

  it("ignores malformed messages, reports each, and keeps delivering", async () => {
    await using subscriber = await openRedis();
    const malformed: MalformedBuildMessage[] = [];
    const channels = await createBuildChannels({
      publisher: redis,
      subscriber,
      prefix,
      onMalformed: (message) => malformed.push(message),
    });
    const cancelled: string[] = [];
    const updates: BuildUpdatePayload[] = [];
    channels.onCancel((buildId) => cancelled.push(buildId));
    channels.onBuildUpdate((update) => updates.push(update));

    const names = buildChannelNames(prefix);
    const bad = [
      [names.cancel, "not json"],
      [names.cancel, "{}"],
      [names.cancel, JSON.stringify({ buildId: "not-a-uuid" })],
      [names.cancel, "\u00ff\u0000 binary"],
      [names.updated, JSON.stringify({ buildId: randomUUID() })],
      [names.updated, JSON.stringify({ buildId: randomUUID(), projectId: 5 })],
      [names.updated, "null"],
    ] as const;
    for (const [channel, message] of bad) await redis.publish(channel, message);
    const buildId = randomUUID();
    const projectId = randomUUID();
    await redis.publish(names.cancel, JSON.stringify({ buildId, extra: "ignored" }));
    await channels.publishBuildUpdate({ buildId, projectId });

    await vi.waitFor(() => expect(updates).toEqual([{ buildId, projectId }]));
    expect(cancelled).toEqual([buildId]);
    expect(malformed.map(({ channel, message }) => [channel, message])).toEqual(bad);
    expect(malformed.every(({ error }) => error instanceof Error)).toBe(true);
    await channels.close();
  });

  it("refuses to publish ids that are not UUIDs", async () => {
    await using subscriber = await openRedis();
    const channels = await createBuildChannels({ publisher: redis, subscriber, prefix });
    await expect(channels.publishCancel("nope")).rejects.toThrow(/invalid build cancel/);
    await expect(
      channels.publishBuildUpdate({ buildId: randomUUID(), projectId: "" }),
    ).rejects.toThrow(/invalid build update/);
    await channels.close();
  });

  it("keeps calling the other listeners when one throws, and stops one that unsubscribed", async () => {
    await using subscriber = await openRedis();
    const errors: unknown[] = [];
    const channels = await createBuildChannels({
      publisher: redis,
      subscriber,
      prefix,
      onListenerError: (error) => errors.push(error),
    });
    const received: string[] = [];
    channels.onCancel(() => {
      throw new Error("listener bug");
    });
    const stopListening = channels.onCancel((buildId) => received.push(`gone ${buildId}`));
    channels.onCancel((buildId) => received.push(buildId));
    stopListening();

    const buildId = randomUUID();
    await channels.publishCancel(buildId);
    await vi.waitFor(() => expect(received).toEqual([buildId]));
    expect(errors).toEqual([new Error("listener bug")]);
    await channels.close();
  });

  it("shares one subscriber connection with the log follower; each closes only its own", async () => {
    await using subscriber = await openRedis();
    const names = buildChannelNames(prefix);
    const follower = await createBuildLogFollower({ subscriber, redis, prefix });
    const channels = await createBuildChannels({ publisher: redis, subscriber, prefix });
    const cancelled: string[] = [];
    channels.onCancel((buildId) => cancelled.push(buildId));

    const buildId = randomUUID();
    const writer = await createBuildLogWriter(redis, { prefix, buildId });
    const lines: BuildLogLine[] = [];
    const stop = new AbortController();
    const following = (async () => {
      for await (const line of follower.follow(buildId, 0, stop.signal)) lines.push(line);
    })();
    writer.append("first");
    await channels.publishCancel(buildId);
    await vi.waitFor(() => expect([lines.length, cancelled.length]).toEqual([1, 1]));

    await channels.close();
    expect(await numSub(redis, names.cancel)).toBe(0);
    expect(await numSub(redis, `${prefix}:build-log`)).toBe(1);
    // The follower still hears the writer's publishes: the line arrives well before the 2 s
    // re-read would fetch it.
    const before = Date.now();
    writer.append("second");
    await vi.waitFor(() => expect(lines).toHaveLength(2), { timeout: 1_000 });
    expect(Date.now() - before).toBeLessThan(1_000);
    await writer.end();
    await following;
    await follower.close();
    expect(await numSub(redis, `${prefix}:build-log`)).toBe(0);
    expect(subscriber.status).toBe("ready");
  });
});
