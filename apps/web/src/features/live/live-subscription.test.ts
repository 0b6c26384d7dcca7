import { createClient } from "graphql-ws/client";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { TypedDocumentString } from "../../../generated/graphql/graphql";
import { subscribeLive } from "./live-subscription";

/** A WebSocket stand-in that lets the test play the graphql-ws server. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static opened: FakeSocket[] = [];

  readyState = FakeSocket.CONNECTING;
  readonly sent: { type: string; id?: string; payload?: { variables?: unknown } }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor() {
    FakeSocket.opened.push(this);
    queueMicrotask(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.();
    });
  }

  send(data: string) {
    const message = JSON.parse(data) as FakeSocket["sent"][number];
    this.sent.push(message);
    if (message.type === "connection_init") this.receive({ type: "connection_ack" });
  }

  close(code = 1000, reason = "") {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason });
  }

  receive(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  subscribes() {
    return this.sent.filter((message) => message.type === "subscribe");
  }
}

const COUNTER =
  "subscription Counter($after: Int) { counter(after: $after) }" as unknown as TypedDocumentString<
    { counter: number },
    { after: number }
  >;

afterEach(() => {
  FakeSocket.opened = [];
});

describe("subscribeLive", () => {
  it("resubscribes through graphql-ws's own reconnect with the variables as they are then", async () => {
    const client = createClient({
      url: "ws://test/graphql",
      webSocketImpl: FakeSocket,
      retryWait: () => Promise.resolve(),
    });
    const seen: number[] = [];
    const onConnectionLost = vi.fn();
    const stop = subscribeLive(client, COUNTER, () => ({ after: seen.at(-1) ?? 0 }), {
      onData: ({ counter }) => seen.push(counter),
      onConnectionLost,
    });

    await vi.waitFor(() => expect(FakeSocket.opened[0]?.subscribes()).toHaveLength(1));
    const [first] = FakeSocket.opened;
    const [subscribe] = first?.subscribes() ?? [];
    expect(subscribe?.payload?.variables).toEqual({ after: 0 });
    for (const counter of [1, 2, 3]) {
      first?.receive({ type: "next", id: subscribe?.id, payload: { data: { counter } } });
    }
    expect(seen).toEqual([1, 2, 3]);
    first?.close(1006);

    await vi.waitFor(() => expect(FakeSocket.opened[1]?.subscribes()).toHaveLength(1));
    expect(FakeSocket.opened[1]?.subscribes()[0]?.payload?.variables).toEqual({ after: 3 });
    // graphql-ws retried on its own: nothing reached the backoff.
    expect(onConnectionLost).not.toHaveBeenCalled();
    stop();
  });
});
