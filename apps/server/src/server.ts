// Composition root of the API process: builds the services once, then lets each feature
// register its HTTP routes, WebSocket upgrade routes and GraphQL operations on one HTTP server.
// A new feature adds one `register…` call here, not wiring of its own.
//
//   1. HTTP routes in order: /healthz and /readyz, /graphql, then the web app (WEB_DIST).
//   2. WebSocket upgrades go through one router by path (/graphql today).
//   3. close() drains: stops accepting, ends subscriptions, waits for in-flight requests.
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import express from "express";
import type { Redis } from "ioredis";
import { pinoHttp } from "pino-http";

import { defaultConfigValidator, type ConfigValidator } from "@bbos/core";
import type { Db, UserRow } from "@bbos/db";

import { registerGraphQL } from "./graphql/register-graphql.ts";
import { httpErrorHandler } from "./http/error-handler.ts";
import { healthRoutes } from "./http/health-routes.ts";
import { createUpgradeRouter } from "./http/upgrade-router.ts";
import { webAppRoutes } from "./http/web-app.ts";
import type { Logger } from "./logger.ts";
import { createServices } from "./services/create-services.ts";

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
  const upgrades = createUpgradeRouter();
  httpServer.on("upgrade", upgrades.handle);
  const services = createServices({
    db,
    validator: options.validator ?? defaultConfigValidator(),
    log,
  });

  app.use(pinoHttp({ logger: log, autoLogging: { ignore: (req) => req.url === "/healthz" } }));
  app.use(healthRoutes({ db, redis }));
  const graphql = await registerGraphQL({
    app,
    httpServer,
    upgrades,
    services,
    log,
    resolveViewer: options.resolveViewer,
    version: options.version,
    introspection: options.introspection ?? true,
  });
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

  return { url, httpServer, close: () => graphql.stop() };
}
