import { act, renderHook } from "@testing-library/react";
import type { FormattedExecutionResult, Sink, SubscribePayload } from "graphql-ws/client";
import { describe, expect, it, vi } from "vitest";

import { toWebSocketUrl, type LiveClient } from "./live-client";
import { describeSubscriptionError } from "./live-subscription";
import { SERVER_TIME_SUBSCRIPTION, useServerTime } from "./use-server-time";

/** A graphql-ws client stand-in that records subscriptions and lets the test push results. */
function createFakeClient() {
  const subscriptions: {
    payload: SubscribePayload;
    sink: Sink<FormattedExecutionResult<unknown>>;
  }[] = [];
  const unsubscribe = vi.fn();
  const client: LiveClient = {
    subscribe<TData>(
      payload: SubscribePayload,
      sink: Sink<FormattedExecutionResult<TData, unknown>>,
    ) {
      subscriptions.push({ payload, sink: sink as Sink<FormattedExecutionResult<unknown>> });
      return unsubscribe;
    },
  };
  const lastSink = () => {
    const sink = subscriptions.at(-1)?.sink;
    if (!sink) throw new Error("nothing subscribed");
    return sink;
  };
  return { client, subscriptions, unsubscribe, lastSink };
}

describe("useServerTime", () => {
  it("subscribes to serverTime and reports each pushed value", () => {
    const fake = createFakeClient();
    const { result } = renderHook(() => useServerTime(fake.client));

    expect(result.current).toEqual({ status: "connecting" });
    expect(fake.subscriptions).toHaveLength(1);
    expect(fake.subscriptions[0]?.payload.query).toBe(SERVER_TIME_SUBSCRIPTION.toString());

    act(() => fake.lastSink().next({ data: { serverTime: "2025-01-01T00:00:00.000Z" } }));
    expect(result.current).toEqual({ status: "live", time: "2025-01-01T00:00:00.000Z" });

    act(() => fake.lastSink().next({ data: { serverTime: "2025-01-01T00:00:01.000Z" } }));
    expect(result.current).toEqual({ status: "live", time: "2025-01-01T00:00:01.000Z" });
  });

  it("unsubscribes on unmount", () => {
    const fake = createFakeClient();
    const { unmount } = renderHook(() => useServerTime(fake.client));

    unmount();

    expect(fake.unsubscribe).toHaveBeenCalledTimes(1);
  });

  it("reports GraphQL errors, and a lost socket as reconnecting", () => {
    const fake = createFakeClient();
    const { result } = renderHook(() => useServerTime(fake.client));

    act(() => fake.lastSink().next({ errors: [{ message: "Cannot query field" }] }));
    expect(result.current).toEqual({ status: "error", message: "Cannot query field" });

    vi.useFakeTimers();
    try {
      const lost = fake.lastSink();
      act(() => lost.error({ code: 1006, reason: "" }));
      expect(result.current).toEqual({
        status: "reconnecting",
        message: "connection closed (1006)",
      });
      // After the backoff it subscribes again, and the clock comes back.
      act(() => {
        vi.advanceTimersByTime(1_000);
      });
      expect(fake.lastSink()).not.toBe(lost);
      act(() => fake.lastSink().next({ data: { serverTime: "2025-01-01T00:00:02.000Z" } }));
      expect(result.current).toEqual({ status: "live", time: "2025-01-01T00:00:02.000Z" });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("describeSubscriptionError", () => {
  it("names errors, GraphQL error lists and close events", () => {
    expect(describeSubscriptionError(new Error("boom"))).toBe("boom");
    expect(describeSubscriptionError([{ message: "a" }, { message: "b" }])).toBe("a; b");
    expect(describeSubscriptionError({ code: 4403, reason: "Forbidden" })).toBe(
      "connection closed (4403: Forbidden)",
    );
    expect(describeSubscriptionError("???")).toBe("subscription failed");
  });
});

describe("toWebSocketUrl", () => {
  it("keeps the host and upgrades the scheme", () => {
    expect(toWebSocketUrl({ protocol: "http:", host: "localhost:5173" }, "/graphql")).toBe(
      "ws://localhost:5173/graphql",
    );
    expect(toWebSocketUrl({ protocol: "https:", host: "bbos.example" }, "/graphql")).toBe(
      "wss://bbos.example/graphql",
    );
  });
});
