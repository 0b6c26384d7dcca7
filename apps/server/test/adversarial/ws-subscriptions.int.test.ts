// GraphQL over WebSocket under client mistakes and greed: a bad operation fails alone and the
// socket stays; errors carry the codes HTTP gives; one socket runs at most 20 operations and one
// address holds at most 50 sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import {
  MAX_OPERATIONS_PER_SOCKET,
  MAX_SOCKETS_PER_ADDRESS,
  SocketClose,
} from "../../src/graphql/subscription-server.ts";
import { subscriptionClient, type TestServer } from "../start-test-server.ts";
import {
  capturedLog,
  codesOf,
  type RawSocket,
  rawSocket,
  startUnthrottledServer,
} from "./adversarial-helpers.ts";

const TICKING = "subscription { serverTime(intervalMs: 60000) }";

describe("GraphQL over WebSocket", () => {
  const captured = capturedLog();
  let server: TestServer;
  const opened: RawSocket[] = [];
  const open = (): RawSocket => {
    const socket = rawSocket(server.url);
    opened.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startUnthrottledServer(captured);
  });
  afterEach(async () => {
    const closing = opened.splice(0);
    for (const socket of closing) socket.close();
    await Promise.all(closing.map((socket) => socket.closed));
  });
  afterAll(() => server?.close());

  it("answers a malformed subscription with an error for its id and keeps the socket", async () => {
    const consoleError = vi.spyOn(console, "error");
    try {
      const socket = open();
      await socket.ready;
      socket.send({ id: "1", type: "subscribe", payload: { query: "subscription { serverTime" } });
      const answer = await socket.answerTo("1");
      expect(answer).toEqual({
        id: "1",
        type: "error",
        payload: [
          expect.objectContaining({
            message: "Syntax Error: Expected Name, found <EOF>.",
            extensions: { code: "GRAPHQL_PARSE_FAILED" },
          }),
        ],
      });
      socket.subscribe("2", "subscription { serverTime(intervalMs: 100) }");
      const tick = await socket.answerTo("2");
      expect(tick).toMatchObject({
        type: "next",
        payload: { data: { serverTime: expect.any(String) as string } },
      });
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it("reports a bad operation to graphql-ws's own client as that subscription's error only", async () => {
    const client = subscriptionClient(server.url);
    try {
      const failed = new Promise<unknown>((resolve) =>
        client.subscribe(
          { query: "subscription { serverTime(intervalMs: 1) { nope } }" },
          { next: () => undefined, error: resolve, complete: () => undefined },
        ),
      );
      expect(codesOf((await failed) as [])).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      const events = client.iterate<{ serverTime: string }>({
        query: "subscription { serverTime(intervalMs: 100) }",
      });
      const first = await events.next();
      expect(first.value).toMatchObject({ data: { serverTime: expect.any(String) as string } });
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });

  it("answers a subscription whose validation throws inside graphql-js as a validation error", async () => {
    const socket = open();
    await socket.ready;
    socket.subscribe("1", "subscription { serverTime @skip(if: 1.5) }");
    const answer = await socket.answerTo("1");
    expect(answer).toMatchObject({ type: "error" });
    expect(codesOf(answer.payload as [])).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });

  it("closes with 4400, not 4500, when a client sends a message only servers send", async () => {
    const consoleError = vi.spyOn(console, "error");
    try {
      const socket = open();
      await socket.ready;
      socket.send({ id: "1", type: "next", payload: { data: {} } });
      expect(await socket.closed).toEqual({
        code: 4400,
        reason: "Unexpected message from a client",
      });
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it("gives an out-of-range interval a client error code, as a literal and as a variable", async () => {
    const socket = open();
    await socket.ready;
    socket.subscribe("literal", "subscription { serverTime(intervalMs: 2147483648) }");
    socket.subscribe("variable", "subscription ($i: Int) { serverTime(intervalMs: $i) }", {
      i: 2147483648,
    });
    socket.subscribe("huge", "subscription { serverTime(intervalMs: 2147483647) }");
    const [literal, variable, huge] = await Promise.all(
      ["literal", "variable", "huge"].map((id) => socket.answerTo(id)),
    );
    expect(literal).toMatchObject({ type: "error" });
    expect(codesOf(literal?.payload as [])).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(variable).toMatchObject({ type: "error" });
    expect(codesOf(variable?.payload as [])).toEqual(["BAD_USER_INPUT"]);
    expect(huge).toMatchObject({
      type: "next",
      payload: {
        errors: [
          expect.objectContaining({
            message: "intervalMs must be an integer from 100 to 60000",
            extensions: { code: "BAD_USER_INPUT", domainCode: "BAD_INPUT" },
          }),
        ],
      },
    });
  });

  it("applies the limits HTTP applies: tokens, aliases, cost", async () => {
    const socket = open();
    await socket.ready;
    const aliases = (count: number) =>
      `{${Array.from({ length: count }, (_, i) => ` a${i}: health { status }`).join("")} }`;
    socket.subscribe("tokens", aliases(1_000));
    socket.subscribe("aliases", aliases(16));
    socket.subscribe(
      "cost",
      "{ projects(first: 100) { edges { node { boards(first: 100) { edges { node { a: name } } } } } } b: projects(first: 100) { edges { node { boards(first: 100) { edges { node { name } } } } } } c: projects(first: 100) { edges { node { boards(first: 100) { edges { node { name } } } } } } }",
    );
    const answers = await Promise.all(
      ["tokens", "aliases", "cost"].map((id) => socket.answerTo(id)),
    );
    expect(answers.map((answer) => answer.type)).toEqual(["error", "error", "error"]);
    expect(answers.map((answer) => codesOf(answer.payload as []))).toEqual([
      ["GRAPHQL_PARSE_FAILED"],
      ["GRAPHQL_VALIDATION_FAILED"],
      ["GRAPHQL_VALIDATION_FAILED"],
    ]);
    expect(JSON.stringify(answers[2]?.payload)).toContain("Operation cost 63630 is over the limit");
  });

  it("quotes 64 characters of a 500k-character unknown field name", async () => {
    const socket = open();
    await socket.ready;
    socket.subscribe("long", `{ ${"f".repeat(500_000)} }`);
    const answer = await socket.answerTo("long");
    expect(JSON.stringify(answer).length).toBeLessThan(1_024);
    expect(answer.payload).toEqual([
      expect.objectContaining({
        message: `Cannot query field "${"f".repeat(64)}…" on type "Query".`,
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    ]);
  });

  it(`runs ${MAX_OPERATIONS_PER_SOCKET} operations per socket and refuses the next until one ends`, async () => {
    const socket = open();
    await socket.ready;
    for (let i = 0; i < MAX_OPERATIONS_PER_SOCKET; i++) socket.subscribe(`s${i}`, TICKING);
    await Promise.all(
      Array.from({ length: MAX_OPERATIONS_PER_SOCKET }, (_, i) => socket.answerTo(`s${i}`)),
    );

    socket.subscribe("extra", TICKING);
    const refused = await socket.answerTo("extra");
    expect(refused).toMatchObject({ type: "error" });
    expect(codesOf(refused.payload as [])).toEqual(["TOO_MANY_SUBSCRIPTIONS"]);

    socket.send({ id: "s0", type: "complete" });
    socket.subscribe("after", TICKING);
    expect(await socket.answerTo("after")).toMatchObject({ type: "next" });
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });

  it(`holds ${MAX_SOCKETS_PER_ADDRESS} sockets per address and closes the next with 4029`, async () => {
    const sockets = Array.from({ length: MAX_SOCKETS_PER_ADDRESS }, () => open());
    await Promise.all(sockets.map((socket) => socket.ready));

    const extra = open();
    expect(await extra.closed).toEqual(SocketClose.tooManyConnections);

    const first = sockets[0];
    first?.close();
    await first?.closed;
    // The server counts the socket out when its own side has closed, which may come a moment
    // after the client's.
    const replacement = await vi.waitFor(async () => {
      const socket = open();
      await socket.ready;
      return socket;
    });
    replacement.subscribe("1", "{ health { status } }");
    expect(await replacement.answerTo("1")).toMatchObject({
      type: "next",
      payload: { data: { health: { status: "OK" } } },
    });
  });

  it("logs none of these client mistakes above info", () => {
    expect(captured.aboveInfo()).toEqual([]);
  });
});
