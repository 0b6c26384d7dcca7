// GraphQL over WebSocket (graphql-ws's protocol) on the upgrades the router hands over. The socket
// handling is ours rather than graphql-ws's `useServer`, which closes the whole socket with 4500
// and prints a stack to the console for any error in one message, including client mistakes:
//
//   1. Each subscribe message is parsed, validated and its variables coerced here first (the same
//      limits and rules as over HTTP), so a bad operation gets an `error` for its id and the socket
//      stays open.
//   2. A socket runs at most MAX_OPERATIONS_PER_SOCKET operations; an address holds at most
//      MAX_SOCKETS_PER_ADDRESS sockets.
//   3. Every error is logged through pino: client mistakes at info, faults at error.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from "graphql";
import { CloseCode, handleProtocols, makeServer, parseMessage, MessageType } from "graphql-ws";
import { WebSocketServer, type RawData, type WebSocket } from "ws";

import type { Logger } from "../logger.ts";
import type { Identity, Viewer } from "../auth/identity.ts";
import type { GraphQLContext } from "./context.ts";
import type { FormatError } from "./format-error.ts";
import { oversizedResponse } from "./response-size-limit.ts";
import { validateDocument } from "./thrown-validation-errors.ts";

/** Operations (subscriptions, or queries in flight) one socket may run at once. */
export const MAX_OPERATIONS_PER_SOCKET = 20;
/**
 * Open sockets per client address. Behind a reverse proxy every client has the proxy's address,
 * so this then bounds the whole proxy.
 */
export const MAX_SOCKETS_PER_ADDRESS = 50;
/** How often an idle socket is pinged; one that has not answered the last ping is dropped. */
const KEEP_ALIVE_MS = 12_000;

/** Close codes of ours, beside graphql-ws's own (4400 bad request, 4500 internal error, …). */
export const SocketClose = {
  /** The address already holds MAX_SOCKETS_PER_ADDRESS sockets; worth retrying once one closes. */
  tooManyConnections: { code: 4029, reason: "Too many connections from this address" },
} as const;

/** Messages of the protocol only the server sends; graphql-ws throws when a client sends one. */
const serverMessageTypes = new Set<string>([
  MessageType.ConnectionAck,
  MessageType.Next,
  MessageType.Error,
]);

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  /** Every rule a document must pass, graphql-js's specified ones included. */
  validationRules: readonly ValidationRule[];
  parseOptions: ParseOptions;
  context: (request: IncomingMessage, viewer?: Viewer | null) => Promise<GraphQLContext>;
  /** Checks an API token in the upgrade's headers or the connection's `authorization` param. */
  identity: Identity;
  formatError: FormatError;
  log: Logger;
  /** Largest message accepted, in bytes; ws closes the socket with 1009 over it. */
  maxMessageBytes: number;
}

interface Extra {
  request: IncomingMessage;
  /** The user of the connection's `authorization` param; unset without one. */
  viewer?: Viewer;
}

/** A GraphQLError about the request, with the code Apollo would give it over HTTP. */
function requestError(error: GraphQLError | string, code: string): GraphQLError {
  if (typeof error === "string") return new GraphQLError(error, { extensions: { code } });
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

/** Whether `text` is a well-formed message of a type only the server may send. */
function isServerMessage(text: string): boolean {
  try {
    return serverMessageTypes.has(parseMessage(text).type);
  } catch {
    // Not a valid message at all: graphql-ws closes with 4400 itself and throws nothing.
    return false;
  }
}

export function createSubscriptionServer(options: SubscriptionServerOptions) {
  const { schema, log, formatError } = options;

  const graphqlWs = makeServer<Record<string, unknown> | undefined, Extra>({
    schema,
    // A bad token (in the upgrade's headers or in connectionParams) or an ended session
    // closes the socket with 4403 Forbidden before any operation runs.
    async onConnect(ctx) {
      if ((await options.identity.refusesCredentials(ctx.extra.request)) !== null) return false;
      const authorization = ctx.connectionParams?.["authorization"];
      if (authorization === undefined) return true;
      if (typeof authorization !== "string") return false;
      const viewer = await options.identity.resolveAuthorization(authorization);
      if (!viewer) return false;
      ctx.extra.viewer = viewer;
      return true;
    },
    async onSubscribe(ctx, _id, payload) {
      // graphql-ws has already reserved this operation's id, so it counts itself.
      if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) {
        return [
          requestError(
            `This connection already runs ${MAX_OPERATIONS_PER_SOCKET} operations; complete one ` +
              "before starting another.",
            "TOO_MANY_SUBSCRIPTIONS",
          ),
        ];
      }
      let document: DocumentNode;
      try {
        document = parse(payload.query, options.parseOptions);
      } catch (error) {
        if (error instanceof GraphQLError) return [requestError(error, "GRAPHQL_PARSE_FAILED")];
        throw error;
      }
      const invalid = validateDocument(schema, document, options.validationRules);
      if (invalid.length > 0) {
        return invalid.map((error) => requestError(error, "GRAPHQL_VALIDATION_FAILED"));
      }
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) {
        return [
          requestError(
            payload.operationName
              ? `Unknown operation named "${payload.operationName}".`
              : "Must provide operation name if query contains multiple operations.",
            "OPERATION_RESOLUTION_FAILURE",
          ),
        ];
      }
      const variables = getVariableValues(
        schema,
        operation.variableDefinitions ?? [],
        payload.variables ?? {},
        // What graphql-js's execute allows.
        { maxErrors: 50 },
      );
      if (variables.errors) {
        return variables.errors.map((error) => requestError(error, "BAD_USER_INPUT"));
      }
      let contextValue: GraphQLContext;
      try {
        contextValue = await options.context(ctx.extra.request, ctx.extra.viewer);
      } catch (error) {
        // formatError logs the cause and answers INTERNAL_SERVER_ERROR for this operation only.
        const cause = error instanceof Error ? error : new Error(String(error));
        return [new GraphQLError("no context for the operation", { originalError: cause })];
      }
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue,
      };
    },
    onNext(_ctx, _id, _payload, _args, result) {
      const formatted = result.errors
        ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) }
        : result;
      const refusal = oversizedResponse(formatted, log);
      if (refusal) return { errors: [refusal] };
      return result.errors ? formatted : undefined;
    },
    onError: (_ctx, _id, _payload, errors) =>
      errors.map((error) => formatError(error.toJSON(), error)),
  });

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    handleProtocols: (protocols) => handleProtocols(protocols),
  });
  const openByAddress = new Map<string, number>();

  function serve(socket: WebSocket, request: IncomingMessage): void {
    let answered = true;
    socket.on("pong", () => (answered = true));
    const keepAlive = setInterval(() => {
      if (!answered) {
        socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
    }, KEEP_ALIVE_MS);

    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) {
              resolve();
              return;
            }
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", (data) => {
            const text = textOf(data);
            handle(text).catch((error: unknown) => {
              if (isServerMessage(text)) {
                log.info({ err: error }, "WebSocket client sent a server message; closed");
                socket.close(CloseCode.BadRequest, "Unexpected message from a client");
              } else if (socket.readyState !== socket.OPEN) {
                log.info({ err: error }, "WebSocket message unfinished: the socket closed");
              } else {
                log.error({ err: error }, "unexpected error handling a GraphQL WebSocket message");
                socket.close(CloseCode.InternalServerError, "Internal server error");
              }
            });
          }),
      },
      { request },
    );
    socket.once("close", (code, reason) => {
      clearInterval(keepAlive);
      closed(code, reason.toString()).catch((error: unknown) =>
        log.error({ err: error }, "unexpected error ending GraphQL WebSocket operations"),
      );
    });
  }

  return {
    /** Takes over an upgrade request on the GraphQL path (an arrow: passed as a route handler). */
    handleUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      sockets.handleUpgrade(request, socket, head, (ws) => {
        // ws has already closed the socket with the matching code (1002, 1007, 1009) when this
        // fires; without a listener the error would crash the process.
        ws.on("error", (error) => log.info({ err: error }, "WebSocket closed on a protocol error"));
        const address = request.socket.remoteAddress ?? "unknown";
        const open = openByAddress.get(address) ?? 0;
        if (open >= MAX_SOCKETS_PER_ADDRESS) {
          log.info({ address, open }, "WebSocket refused: too many connections from one address");
          ws.close(SocketClose.tooManyConnections.code, SocketClose.tooManyConnections.reason);
          return;
        }
        openByAddress.set(address, open + 1);
        ws.once("close", () => {
          const left = (openByAddress.get(address) ?? 1) - 1;
          if (left > 0) openByAddress.set(address, left);
          else openByAddress.delete(address);
        });
        serve(ws, request);
      });
    },
    /** Ends every socket ("going away") and stops accepting new ones. */
    async dispose(): Promise<void> {
      for (const client of sockets.clients) client.close(1001, "Going away");
      await new Promise<void>((resolve, reject) =>
        sockets.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
