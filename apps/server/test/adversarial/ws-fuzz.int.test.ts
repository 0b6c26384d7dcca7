// A small, seeded fuzz of the graphql-ws endpoint: well-formed and broken protocol messages in any
// order (subscribes with random documents, completes of unknown ids, messages only servers send,
// bad JSON, binary frames). Sockets may be closed for protocol errors, never as an internal error,
// and no operation's error is INTERNAL_SERVER_ERROR.
import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { TestServer } from "../start-test-server.ts";
import {
  capturedLog,
  documentGenerator,
  type RawSocket,
  rawSocket,
  seededRandom,
  startUnthrottledServer,
  stillAlive,
} from "./adversarial-helpers.ts";

const SEED = 20_261_202;
const FRAMES = 200;

/**
 * Close codes a protocol mistake earns: graphql-ws's 4400 (bad message), 4401 (subscribe before
 * init), 4409 (id in use), 4429 (second init), ws's 1002 and 1007 (bad frame, bad UTF-8), and a
 * normal close.
 */
const CLIENT_FAULT_CLOSES = new Set([1000, 1002, 1005, 1007, 4400, 4401, 4409, 4429]);

function frameGenerator(seed: number) {
  const random = seededRandom(seed);
  const nextDocument = documentGenerator(seed);
  const id = () => random.pick(["1", "2", "3", "", "x".repeat(300)]);
  return (): string | Buffer => {
    // Frames that break the protocol (cases 0 to 6) close the socket: keep them rare enough that
    // most sockets run several operations first.
    switch (random.int(24)) {
      case 0:
        return JSON.stringify({ type: "connection_init", payload: random.pick([{}, null, 1]) });
      case 1:
        return JSON.stringify({ type: random.pick(["ping", "pong"]) });
      case 2:
        return JSON.stringify({ id: id(), type: "complete" });
      case 3:
        return JSON.stringify({ id: id(), type: random.pick(["next", "error", "connection_ack"]) });
      case 4:
        return random.pick(["{", "", "null", "[]", '{"type":1}', '{"type":"nope"}']);
      case 5:
        return Buffer.from([0xff, 0xfe, 0x00, 0x7b]);
      case 6:
        return JSON.stringify({
          id: id(),
          type: "subscribe",
          payload: random.pick([null, {}, { query: 1 }]),
        });
      default:
        return JSON.stringify({
          id: `${random.int(1_000)}`,
          type: "subscribe",
          payload: nextDocument(),
        });
    }
  };
}

describe("GraphQL over WebSocket, fuzzed", () => {
  const captured = capturedLog();
  let server: TestServer;

  beforeAll(async () => {
    server = await startUnthrottledServer(captured);
  });
  afterAll(() => server?.close());

  it(`survives ${FRAMES} random frames (seed ${SEED}) without an internal error`, async () => {
    const consoleError = vi.spyOn(console, "error");
    const next = frameGenerator(SEED);
    const sockets: RawSocket[] = [];
    const connect = async () => {
      const socket = rawSocket(server.url);
      sockets.push(socket);
      await socket.ready;
      return socket;
    };
    try {
      let socket = await connect();
      for (let i = 0; i < FRAMES; i++) {
        if (socket.socket.readyState !== socket.socket.OPEN) socket = await connect();
        socket.send(next());
        await sleep(5);
      }
      await sleep(500);
      for (const each of sockets) each.close();
      const closes = await Promise.all(sockets.map((each) => each.closed));

      type ErrorJson = { extensions?: { code?: string } };
      const errors = sockets
        .flatMap((each) => each.messages)
        .flatMap((message): ErrorJson[] => {
          if (message.type === "error") return message.payload as ErrorJson[];
          if (message.type === "next")
            return (message.payload as { errors?: ErrorJson[] }).errors ?? [];
          return [];
        });
      const codes = errors.map((error) => error.extensions?.code);
      console.log(
        `ws fuzz: ${sockets.length} sockets, closes ${JSON.stringify(closes.map((close) => close.code))}, ` +
          `${errors.length} errors`,
      );
      expect(
        closes.map((close) => close.code).filter((code) => !CLIENT_FAULT_CLOSES.has(code)),
      ).toEqual([]);
      expect(
        codes.filter((code) => code === undefined || code === "INTERNAL_SERVER_ERROR"),
      ).toEqual([]);
      expect(consoleError).not.toHaveBeenCalled();
      expect(captured.aboveInfo()).toEqual([]);
      expect(await stillAlive(server.url)).toBe(true);
    } finally {
      consoleError.mockRestore();
    }
  });
});
