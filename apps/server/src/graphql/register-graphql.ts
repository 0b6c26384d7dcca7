import type { IncomingMessage, Server } from "node:http";

import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { makeExecutableSchema } from "@graphql-tools/schema";
import express, { type Express } from "express";
import { specifiedRules, validate } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";

import type { UserRow } from "@bbos/db";

import type { UpgradeRouter } from "../http/upgrade-router.ts";
import type { Logger } from "../logger.ts";
import type { Services } from "../services/create-services.ts";
import type { GraphQLContext } from "./context.ts";
import { createFormatError } from "./format-error.ts";
import { resolvers } from "./resolvers/index.ts";
import { SupportedOperationsRule } from "./supported-operations-rule.ts";
import { loadTypeDefs } from "./type-defs.ts";

/** Largest GraphQL request body accepted over HTTP. */
const MAX_BODY = "1mb";
/** Largest graphql-ws message. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface GraphQLOptions {
  app: Express;
  httpServer: Server;
  upgrades: UpgradeRouter;
  services: Services;
  log: Logger;
  resolveViewer: (request: IncomingMessage) => Promise<UserRow | null>;
  version: string;
  introspection: boolean;
}

/**
 * GraphQL over HTTP (Apollo, POST /graphql) and over WebSocket (graphql-ws, upgrades on
 * /graphql), with one schema, one context, one set of validation rules and one error mapping.
 * Apollo's drain (called by `stop`) also ends the subscriptions.
 */
export async function registerGraphQL(options: GraphQLOptions): Promise<{ stop(): Promise<void> }> {
  const { app, httpServer, services, log } = options;
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  const rules = [SupportedOperationsRule];
  const formatError = createFormatError(log);
  const contextFor = async (request: IncomingMessage): Promise<GraphQLContext> => ({
    viewer: await options.resolveViewer(request),
    services: services.forRequest(),
    log,
    version: options.version,
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const subscriptions = useServer(
    {
      schema,
      validate: (schema, document) => validate(schema, document, [...specifiedRules, ...rules]),
      context: (ctx) => contextFor(ctx.extra.request),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) }
          : undefined,
    },
    sockets,
  );
  options.upgrades.route("/graphql", (request, socket, head) =>
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit("connection", ws, request)),
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    validationRules: rules,
    introspection: options.introspection,
    // main.ts owns the signals and closes Redis and PostgreSQL too; Apollo's own handler (on
    // unless NODE_ENV=test) would re-raise SIGTERM after stopping and kill the process first.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: async () => {
              await subscriptions.dispose();
            },
          }),
      },
    ],
  });
  await apollo.start();
  app.use(
    "/graphql",
    express.json({ limit: MAX_BODY }),
    expressMiddleware(apollo, { context: ({ req }) => contextFor(req) }),
  );
  return { stop: () => apollo.stop() };
}
