// Composition root of the API process: builds the services once, then lets each feature
// register its HTTP routes, WebSocket upgrade routes and GraphQL operations on one HTTP server.
// A new feature adds one `register…` call here, not wiring of its own.
//
//   1. Every response gets the security headers; connections are bounded in time.
//   2. HTTP routes in order: /healthz and /readyz, /auth (login and logout), downloads and
//      project files, /graphql (size and rate limits first), then the web app (WEB_DIST).
//   3. WebSocket upgrades go through one router by path (/graphql today), rate limited.
//   4. Every transport learns who a request acts for from one `identity` (auth/identity.ts).
//   5. close() drains: stops accepting, ends subscriptions, waits for in-flight requests.
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import express from "express";
import type { Redis } from "ioredis";
import { pinoHttp } from "pino-http";

import {
  encodePublicKeyFile,
  keyIdHex,
  publicKeyLine,
  type ObjectStore,
  type SigningKey,
} from "@bbos/artifacts";
import { defaultConfigValidator, type ConfigValidator, type Recipe } from "@bbos/core";
import type { Db, SecretKeyRing } from "@bbos/db";
import { createBuildChannels, createBuildLogFollower, createBuildQueue } from "@bbos/queue";
import { buildKeyPrefix } from "@bbos/recipes";

import type { AuthOptions } from "./auth/auth-options.ts";
import { authRoutes } from "./auth/auth-routes.ts";
import { createIdentity } from "./auth/identity.ts";
import { createUserDirectory } from "./auth/user-directory.ts";
import type { CollabLimits } from "./collab/collab-limits.ts";
import { createCollabHub } from "./collab/collab-hub.ts";
import { registerCollab } from "./collab/collab-server.ts";
import { registerGraphQL } from "./graphql/register-graphql.ts";
import { artifactPath } from "./http/artifact-paths.ts";
import { artifactRoutes } from "./http/artifact-routes.ts";
import { refuseInvalidCredentials } from "./http/credentials.ts";
import { httpErrorHandler } from "./http/error-handler.ts";
import { healthRoutes } from "./http/health-routes.ts";
import { projectFileRoutes } from "./http/project-file-routes.ts";
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
import { createAuditLog } from "./services/audit-log.ts";
import { createBuildEvents } from "./services/build-events.ts";
import { createServices, type SigningKeyInfo } from "./services/create-services.ts";

export interface ServerOptions {
  db: Db;
  redis: Redis;
  log: Logger;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  version: string;
  /** Who requests act for: one local user, or sessions from the development or GitHub login. */
  auth: AuthOptions;
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
  /** Origins besides the server's own that may open WebSockets with the user's cookie. */
  allowedOrigins?: readonly string[];
  /** @defaultValue {@link DEFAULT_COLLAB_LIMITS} */
  collabLimits?: Partial<CollabLimits>;
  /** Largest project file accepted, in bytes. @defaultValue 64 MiB */
  maxProjectFileBytes?: number;
  builds: BuildOptions;
  /** Seals the values of secret config fields; the workers open them with the same ring. */
  secrets: SecretKeyRing;
}

/** What the server needs to know about builds; the workers run them. */
export interface BuildOptions {
  /** The recipes the workers run (the same list the workers have). */
  recipes: readonly Recipe[];
  /** The hash of the builder image's definition, part of every cache key. */
  builderImageId: string;
  /** Where the workers store artifacts. */
  store: ObjectStore;
  /** The key the workers sign with; the server shows its public half. */
  signingKey: SigningKey;
  /** True for a generated development key. */
  developmentKey: boolean;
}

/** How long a presigned S3 download link is valid. */
const DOWNLOAD_LINK_SECONDS = 15 * 60;

export interface RunningServer {
  url: string;
  httpServer: Server;
  close: () => Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { db, redis, log } = options;
  const redisPrefix = options.redisPrefix ?? "bbos";
  const app = express();
  app.disable("x-powered-by");
  const httpServer = createHttpServer(
    httpServerOptions(options.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS),
    app,
  );
  // The one function from a request to its user, for every transport (HTTP, graphql-ws, the
  // collab socket) and the rate limits per user.
  const identity = createIdentity(options.auth, db);
  const limiter = createRateLimiter({
    redis,
    prefix: redisPrefix,
    limits: options.rateLimits ?? DEFAULT_RATE_LIMITS,
    identify: identity.resolveViewer,
    log,
  });
  const upgrades = createUpgradeRouter(limiter.socket);
  httpServer.on("upgrade", upgrades.handle);
  const collabHub = createCollabHub({
    db,
    redis,
    redisPrefix,
    log,
    limits: options.collabLimits,
  });
  // Build events: a subscriber connection shared by the update channel and the log follower,
  // and a producer handle on the queue.
  const { store } = options.builds;
  const buildSubscriber = redis.duplicate();
  const buildQueueConnection = redis.duplicate();
  for (const connection of [buildSubscriber, buildQueueConnection]) {
    // Duplicates do not inherit listeners; without one, ioredis reports "Unhandled error event".
    connection.on("error", (error) => log.warn({ err: error }, "redis connection error"));
  }
  const buildQueue = createBuildQueue(buildQueueConnection, { prefix: redisPrefix });
  buildQueue.on("error", (error) => log.warn({ err: error }, "build queue error"));
  const buildChannels = await createBuildChannels({
    publisher: redis,
    subscriber: buildSubscriber,
    prefix: redisPrefix,
    onMalformed: ({ channel }) => log.warn({ channel }, "malformed build message dropped"),
  });
  const buildEvents = createBuildEvents({
    db,
    redis,
    prefix: redisPrefix,
    channels: buildChannels,
    follower: await createBuildLogFollower({
      subscriber: buildSubscriber,
      redis,
      prefix: redisPrefix,
    }),
    log,
  });
  const signingKey = signingKeyInfo(options.builds);
  const audit = createAuditLog(db, log);
  const services = createServices({
    db,
    validator: options.validator ?? defaultConfigValidator(),
    log,
    collab: collabHub,
    signingKey,
    users: createUserDirectory(options.auth, db),
    audit,
    secrets: options.secrets,
    membershipChangeLimit: limiter.membershipChange,
    // Project files share the artifacts' storage, under their own prefix (`files/`).
    files: { store, maxFileBytes: options.maxProjectFileBytes },
    builds: {
      queue: buildQueue,
      events: buildEvents,
      recipes: new Map(options.builds.recipes.map((recipe) => [recipe.id, recipe])),
      builderImageId: options.builds.builderImageId,
      downloadUrl: async (artifact) =>
        (await store.presignedGetUrl(artifact.storageKey, {
          expiresInSeconds: DOWNLOAD_LINK_SECONDS,
          filename: artifact.name,
        })) ?? artifactPath(artifact),
      deleteStored: async (buildId) => {
        await store.deletePrefix(buildKeyPrefix(buildId));
      },
    },
  });

  app.use(securityHeaders());
  app.use(
    pinoHttp({
      logger: log,
      autoLogging: { ignore: (req) => req.url === "/healthz" },
      // Session tokens (and, later, API tokens) are credentials: request logs must not carry them.
      redact: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]'],
    }),
  );
  app.use(healthRoutes({ db, redis }));
  app.use(
    authRoutes({ auth: options.auth, db, log, identity, audit, limitSignIns: limiter.signIns }),
  );
  app.use(["/graphql", "/artifacts", "/builds"], refuseInvalidCredentials(identity, options.auth));
  app.use(
    artifactRoutes({ db, store, signingKey, resolveViewer: identity.resolveViewer, audit, log }),
  );
  app.use(
    projectFileRoutes({
      files: services.files,
      resolveViewer: identity.resolveViewer,
      refuseInvalidCredentials: refuseInvalidCredentials(identity, options.auth),
      audit,
      limitUploads: limiter.fileUploads,
      log,
    }),
  );
  app.use("/graphql", refuseOversizedBodies(MAX_BODY_BYTES), limiter.graphql);
  const graphql = await registerGraphQL({
    app,
    httpServer,
    upgrades,
    services,
    log,
    identity,
    version: options.version,
    introspection: options.introspection ?? true,
  });
  const collab = registerCollab({
    hub: collabHub,
    db,
    upgrades,
    identity,
    log,
    allowedOrigins: options.allowedOrigins,
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

  return {
    url,
    httpServer,
    // Collab first: its rooms compact their logs while the database is still open.
    close: async () => {
      collab.close();
      await collabHub.close();
      await graphql.stop();
      buildEvents.close();
      await buildChannels.close();
      await buildQueue.close();
      buildQueueConnection.disconnect();
      buildSubscriber.disconnect();
    },
  };
}

function signingKeyInfo({ signingKey, developmentKey }: BuildOptions): SigningKeyInfo {
  return {
    keyId: keyIdHex(signingKey),
    publicKey: publicKeyLine(signingKey),
    publicKeyFile: encodePublicKeyFile(signingKey),
    development: developmentKey,
  };
}
