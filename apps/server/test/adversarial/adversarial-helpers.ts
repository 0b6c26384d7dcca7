// Shared by the hostile-input tests: a logger that keeps what it writes, raw HTTP and WebSocket
// clients that show exactly what the server sends, and seeded random documents for the fuzzers.
import { Writable } from "node:stream";

import { makeExecutableSchema } from "@graphql-tools/schema";
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { pino, type Logger } from "pino";
import WebSocket from "ws";

import { loadTypeDefs } from "../../src/graphql/type-defs.ts";
import { startTestServer, type TestServer } from "../start-test-server.ts";

export interface LogLine {
  level: number;
  msg: string;
  err?: { message?: string };
}

/** pino's level numbers: 30 info, 40 warn, 50 error. */
const INFO = 30;

/** A logger at info that keeps its lines; `aboveInfo()` lists the warnings and errors. */
export function capturedLog(): { log: Logger; lines: LogLine[]; aboveInfo: () => string[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) {
        if (line) lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  return {
    log: pino({ level: "info" }, sink),
    lines,
    aboveInfo: () =>
      lines.filter((line) => line.level > INFO).map((line) => `${line.msg}: ${line.err?.message}`),
  };
}

/**
 * The real server logging into `captured`, with the per-client rate limits off: files that send
 * hundreds of requests or sockets a minute measure the other limits, not that one.
 */
export function startUnthrottledServer(captured: { log: Logger }): Promise<TestServer> {
  return startTestServer({
    log: captured.log,
    rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, membershipChangesPerMinute: 0 },
  });
}

export interface GraphQLAnswer {
  status: number;
  /** The body as sent. */
  text: string;
  errors: { message: string; extensions?: Record<string, unknown> }[];
  data?: unknown;
  ms: number;
}

/** POSTs `body` (JSON-encoded unless a string) to /graphql and keeps the raw answer. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const parsed = JSON.parse(text) as { data?: unknown; errors?: GraphQLAnswer["errors"] };
  return { status: response.status, text, errors: parsed.errors ?? [], data: parsed.data, ms };
}

/** The `extensions.code` of every error of an answer or a graphql-ws error payload. */
export function codesOf(errors: readonly { extensions?: Record<string, unknown> }[]): unknown[] {
  return errors.map((error) => error.extensions?.["code"]);
}

export interface RawMessage {
  id?: string;
  type: string;
  payload?: unknown;
}

/**
 * A graphql-transport-ws socket driven by hand, so a test sees every frame and the close code.
 * `ready` resolves after connection_ack; `closed` with the close code and reason.
 */
export function rawSocket(url: string) {
  const socket = new WebSocket(`${url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
  const messages: RawMessage[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data: Buffer) => {
    messages.push(JSON.parse(data.toString()) as RawMessage);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  // A refused connection ends with an error event too; `closed` reports it.
  socket.on("error", () => undefined);

  /** Resolves with the first message `match` accepts, or rejects after `ms`. */
  function waitFor(match: (message: RawMessage) => boolean, ms = 5_000): Promise<RawMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no matching message in time")), ms);
      const check = () => {
        const found = messages.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else if (socket.readyState === WebSocket.CLOSED) {
          clearTimeout(timer);
          reject(new Error("socket closed before a matching message"));
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  }

  const ready = new Promise<void>((resolve, reject) => {
    socket.once("open", () => {
      socket.send(JSON.stringify({ type: "connection_init" }));
      waitFor((message) => message.type === "connection_ack").then(() => resolve(), reject);
    });
    void closed.then(() => reject(new Error("socket closed before connection_ack")));
  });
  // Callers that only look at `closed` would otherwise leave this rejection unhandled.
  ready.catch(() => undefined);

  return {
    socket,
    messages,
    ready,
    closed,
    waitFor,
    send: (message: unknown) =>
      socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    subscribe(id: string, query: string, variables?: Record<string, unknown>) {
      socket.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
    },
    /** The first `next` or `error` message for operation `id`. */
    answerTo: (id: string) =>
      waitFor(
        (message) => message.id === id && (message.type === "next" || message.type === "error"),
      ),
    close: () => socket.close(),
  };
}

export type RawSocket = ReturnType<typeof rawSocket>;

/**
 * A linear congruential generator (the textbook constants 1664525 and 1013904223): weak, but
 * enough to vary fuzz cases, and the same cases for the same seed, so a failure can be replayed.
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

/** Whether the server still answers its liveness route. */
export async function stillAlive(url: string): Promise<boolean> {
  const response = await fetch(`${url}/healthz`);
  return response.status === 200;
}

/** Every name the schema uses: types, fields, arguments and enum values. */
function namesOf(schema: GraphQLSchema) {
  const types = Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith("__"));
  const fields = types.flatMap((type) =>
    isObjectType(type) || isInputObjectType(type) ? Object.keys(type.getFields()) : [],
  );
  const args = types.flatMap((type) =>
    isObjectType(type)
      ? Object.values(type.getFields()).flatMap((field) => field.args.map((arg) => arg.name))
      : [],
  );
  const enumValues = types.flatMap((type) =>
    isEnumType(type) ? type.getValues().map((value) => value.name) : [],
  );
  return { types: types.map((type) => type.name), fields, args, enumValues };
}

export interface DocumentGeneratorOptions {
  /**
   * Ids of records that exist (a project of the viewer's, one of its boards, a version of it),
   * used among the `ID` values so that mutations get past "not found" to what they do.
   * @defaultValue none
   */
  ids?: readonly string[];
}

/**
 * Documents that mostly follow the schema (a field of the type at hand, an argument of the field,
 * a value of the argument's type, the fields of an input object) and stray from it often enough
 * to reach every error path: a name from elsewhere, a hostile value, a misplaced fragment,
 * damaged syntax. Queries and mutations alike; subscriptions only when straying.
 */
export function documentGenerator(seed: number, options: DocumentGeneratorOptions = {}) {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
  const random = seededRandom(seed);
  const names = namesOf(schema);
  // Per document: how often it strays from the schema. A third stay on it, to reach execution.
  let strayRate = 0;
  const stray = () => random.next() < strayRate;

  const hostileValue = (depth: number): string => {
    switch (random.int(9)) {
      case 0:
        return String(random.pick([-1, 2147483647, 2147483648, 101, 1e21]));
      case 1:
        return `"${"x".repeat(random.pick([0, 70, 5_000]))}"`;
      case 2:
        return random.pick(names.enumValues);
      case 3:
        return `$${random.pick(["a", "b", "undeclared"])}`;
      case 4:
        return depth > 2 ? "null" : `[${hostileValue(depth + 1)}, ${hostileValue(depth + 1)}]`;
      case 5:
        return depth > 2 ? "{}" : `{${random.pick(names.fields)}: ${hostileValue(depth + 1)}}`;
      case 6:
        return "1.5";
      case 7:
        return "true";
      default:
        return "null";
    }
  };
  const ids = ["00000000-0000-0000-0000-000000000000", ...(options.ids ?? [])];
  const configTexts = [
    "{}",
    '{"board": ',
    JSON.stringify({ board: "qemu-arm64", os: {}, system: {} }),
    JSON.stringify({ board: "qemu-arm64", os: { variant: "desktop" }, system: { hostname: "-" } }),
  ];
  const valueFor = (type: GraphQLInputType, depth = 0): string => {
    const named = getNamedType(type);
    if (stray()) return hostileValue(0);
    if (isEnumType(named)) return random.pick(named.getValues()).name;
    if (isInputObjectType(named)) {
      const fields = Object.values(named.getFields()).filter(
        (field) => isNonNullType(field.type) || random.int(2) === 0,
      );
      const parts = fields.map(
        (field) => `${field.name}: ${depth > 2 ? "null" : valueFor(field.type, depth + 1)}`,
      );
      return `{${parts.join(", ")}}`;
    }
    switch (named.name) {
      case "Int":
        return String(random.pick([0, 1, 2, 50, 100]));
      case "BoardConfigSchemaId":
        return random.pick(['"board-config/1"', '"board-config/2"', '"board-config/9"']);
      case "JSON":
        return random.pick(["{}", '"{}"', '{board: "qemu-arm64"}', "[1, 2]"]);
      case "ID":
        // Half of them name something that exists: a record, or a board of the catalogue.
        return JSON.stringify(
          random.int(2) === 0
            ? random.pick([...(options.ids ?? []), "qemu-arm64"])
            : random.pick(["x", "aWQ6eA", "rock-6z", ...ids]),
        );
      default:
        return JSON.stringify(random.pick(["x", "fuzzed board", "", ...configTexts]));
    }
  };
  const args = (field: GraphQLField<unknown, unknown> | undefined): string => {
    const chosen = (field?.args ?? []).filter(
      (arg) => (isNonNullType(arg.type) && arg.defaultValue === undefined) || random.int(2) === 0,
    );
    const parts = chosen.map((arg) => `${arg.name}: ${valueFor(arg.type)}`);
    if (stray()) parts.push(`${random.pick(names.args)}: ${hostileValue(0)}`);
    return parts.length > 0 ? `(${parts.join(", ")})` : "";
  };
  const directive = () =>
    stray()
      ? ` @${random.pick(["include", "skip", "deprecated", "nope"])}(if: ${random.pick(["true", "false", "$a", hostileValue(0)])})`
      : "";

  const selection = (type: GraphQLNamedType | undefined, depth: number): string => {
    const fields = isObjectType(type) ? Object.values(type.getFields()) : [];
    const count = 1 + random.int(3);
    const items = Array.from({ length: count }, () => {
      if (stray()) {
        return random.pick([
          `...F${random.int(3)}`,
          `... on ${random.pick(names.types)} { ${selection(type, depth + 1)} }`,
          "__schema { types { name } }",
          '__type(name: "Query") { name }',
        ]);
      }
      if (random.int(12) === 0) return "__typename";
      const field = fields.length > 0 && !stray() ? random.pick(fields) : undefined;
      const name = field?.name ?? random.pick(names.fields);
      const alias = random.int(6) === 0 ? `a${random.int(stray() ? 20 : 3)}: ` : "";
      const child = field ? getNamedType(field.type) : undefined;
      const wantsSelection = child ? isObjectType(child) : random.int(2) === 0;
      const sub =
        depth < 7 && wantsSelection !== stray() ? ` { ${selection(child, depth + 1)} }` : "";
      return `${alias}${name}${args(field)}${directive()}${sub}`;
    });
    return items.join(" ");
  };
  const variables = () =>
    stray()
      ? `(${["a", "b"].map((name) => `$${name}: ${random.pick(["Int", "Architecture", "BoardConfigSchemaId!", "JSON", "[Int!]!", "Query", "Nope"])}`).join(", ")})`
      : "";
  const operation = () => {
    const kind = stray() ? "subscription" : random.pick(["query", "", "mutation"]);
    const root =
      kind === "subscription"
        ? schema.getSubscriptionType()
        : kind === "mutation"
          ? schema.getMutationType()
          : schema.getQueryType();
    return `${kind} ${variables()} { ${selection(root ?? undefined, 0)} }`;
  };
  const fragments = () =>
    Array.from({ length: stray() ? random.int(3) : 0 }, (_, i) => {
      const on = random.pick(names.types);
      return `fragment F${i} on ${on} { ${selection(schema.getType(on) ?? undefined, 1)} }`;
    }).join(" ");
  const damage = (text: string) => {
    if (!stray()) return text;
    switch (random.int(3)) {
      case 0:
        return text.slice(0, random.int(text.length));
      case 1: {
        const at = random.int(text.length);
        const junk = random.pick(["{", "}", "(", '"', "$", "@", "...", "\u0000", "#", "\u{1F600}"]);
        return `${text.slice(0, at)}${junk}${text.slice(at)}`;
      }
      default:
        return text;
    }
  };

  return () => {
    strayRate = random.int(3) === 0 ? 0 : 0.15;
    return {
      query: damage(`${operation()} ${fragments()}`),
      variables: stray()
        ? {
            a: random.pick([1, 2147483648, "ARM64", "x".repeat(70), null, [1], { a: 1 }]),
            b: "board-config/1",
          }
        : undefined,
      operationName: stray() ? random.pick(["A", "", "x".repeat(200)]) : undefined,
    };
  };
}
