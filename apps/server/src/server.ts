// Composition root of the API process: builds the services once, then lets each feature
// register its HTTP routes, WebSocket upgrade routes and GraphQL operations on one HTTP server.
// A new feature adds one `register…` call here, not wiring of its own.
//
//   1. Every response gets the security headers; connections are bounded in time.
//   2. HTTP routes in order: /healthz and /readyz, /graphql (size and rate limits first), then
//      the web app (WEB_DIST).
//   3. WebSocket upgrades go through one router by path (/graphql today), rate limited.
//   4. close() drains: stops accepting, ends subscriptions, waits for in-flight requests.
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
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimits } from "./http/rate-limit.ts";
import {
  DEFAULT_HTTP_TIMEOUTS,
  httpServerOptions,
  MAX_BODY_BYTES,
  refuseOversizedBodies,
  type HttpTimeouts,
} from "./http/request-limits.ts";
import { securityHeaders } from "./http/security-headers.ts";
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
  /** Namespace of this installation's Redis keys. @defaultValue "bbos" */
  redisPrefix?: string;
  /** @defaultValue {@link DEFAULT_RATE_LIMITS} */
  rateLimits?: RateLimits;
  /** @defaultValue {@link DEFAULT_HTTP_TIMEOUTS} */
  httpTimeouts?: HttpTimeouts;
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
  const httpServer = createHttpServer(
    httpServerOptions(options.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS),
    app,
  );
  const limiter = createRateLimiter({
    redis,
    prefix: options.redisPrefix ?? "bbos",
    limits: options.rateLimits ?? DEFAULT_RATE_LIMITS,
    log,
  });
  const upgrades = createUpgradeRouter(limiter.socket);
  httpServer.on("upgrade", upgrades.handle);
  const services = createServices({
    db,
    validator: options.validator ?? defaultConfigValidator(),
    log,
  });

  app.use(securityHeaders());
  app.use(pinoHttp({ logger: log, autoLogging: { ignore: (req) => req.url === "/healthz" } }));
  app.use(healthRoutes({ db, redis }));
  app.use("/graphql", refuseOversizedBodies(MAX_BODY_BYTES), limiter.graphql);
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
