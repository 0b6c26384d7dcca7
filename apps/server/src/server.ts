// Wiring of the API process: one HTTP server carrying GraphQL over HTTP, GraphQL subscriptions
// over WebSocket (graphql-ws), health probes and, in production, the web app.
//
//   1. HTTP routes: /healthz, /readyz, /graphql, then the web app (if WEB_DIST is set).
//   2. WebSocket upgrades are routed by path (one place), so more endpoints can share the port.
//   3. close() drains: stops accepting, ends subscriptions, waits for in-flight requests.
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { makeExecutableSchema } from "@graphql-tools/schema";
import express from "express";
import { useServer } from "graphql-ws/use/ws";
import type { Redis } from "ioredis";
import { pinoHttp } from "pino-http";
import { WebSocketServer } from "ws";

import { defaultConfigValidator, type ConfigValidator } from "@bbos/core";
import type { Db, UserRow } from "@bbos/db";

import type { GraphQLContext } from "./graphql/context.ts";
import { createFormatError } from "./graphql/format-error.ts";
import { resolvers } from "./graphql/resolvers/index.ts";
import { typeDefs } from "./graphql/type-defs.ts";
import { httpErrorHandler } from "./http/error-handler.ts";
import { healthRoutes } from "./http/health-routes.ts";
import { webAppRoutes } from "./http/web-app.ts";
import type { Logger } from "./logger.ts";
import { createProjectService } from "./services/project-service.ts";
import { createValidationService } from "./services/validation-service.ts";

/** Largest GraphQL request body accepted over HTTP. */
const MAX_BODY = "1mb";

export interface ServerOptions {
  db: Db;
  redis: Redis;
  log: Logger;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  version: string;
  /** Resolves who a request acts for; null when nobody is signed in. */
  resolveViewer: (request: IncomingMessage) => Promise<UserRow | null>;
  webDist?: string | undefined;
  /** Validates board configs. @defaultValue the schemas and catalogue in @bbos/schemas */
  validator?: ConfigValidator;
  /** Namespace of this server's Redis keys. @defaultValue "bbos" */
  redisKeyPrefix?: string;
  /** Answer introspection queries. @defaultValue true */
  introspection?: boolean;
}

export interface RunningServer {
  url: string;
  httpServer: Server;
  close: () => Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { db, redis, log } = options;
  const app = express();
  app.disable("x-powered-by");
  const httpServer = createHttpServer(app);
  const schema = makeExecutableSchema({ typeDefs, resolvers });
  const validation = createValidationService({
    validator: options.validator ?? defaultConfigValidator(),
    redis,
    log,
    keyPrefix: options.redisKeyPrefix ?? "bbos",
  });

  const contextFor = async (request: IncomingMessage): Promise<GraphQLContext> => ({
    viewer: await options.resolveViewer(request),
    services: { projects: createProjectService(db), validation },
    log,
    version: options.version,
  });

  const formatError = createFormatError(log);
  const subscriptions = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const subscriptionServer = useServer(
    {
      schema,
      context: (ctx) => contextFor(ctx.extra.request),
      // The same error mapping as over HTTP.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) }
          : undefined,
    },
    subscriptions,
  );
  const upgradeRoutes: Record<string, WebSocketServer> = { "/graphql": subscriptions };
  httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://host").pathname;
    const target = upgradeRoutes[path];
    if (!target) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    target.handleUpgrade(request, socket, head, (ws) => target.emit("connection", ws, request));
  });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    introspection: options.introspection ?? true,
    // main.ts owns the signals and closes Redis and PostgreSQL too; Apollo's own handler (on
    // unless NODE_ENV=test) would re-raise SIGTERM after stopping and kill the process first.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: async () => {
              await subscriptionServer.dispose();
            },
          }),
      },
    ],
  });
  await apollo.start();

  app.use(pinoHttp({ logger: log, autoLogging: { ignore: (req) => req.url === "/healthz" } }));
  app.use(healthRoutes({ db, redis }));
  app.use(
    "/graphql",
    express.json({ limit: MAX_BODY }),
    expressMiddleware(apollo, { context: ({ req }) => contextFor(req) }),
  );
  if (options.webDist) app.use(webAppRoutes(options.webDist));
  app.use(httpErrorHandler(log));

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  log.info({ url }, "server listening");

  return {
    url,
    httpServer,
    close: async () => {
      await apollo.stop();
    },
  };
}
