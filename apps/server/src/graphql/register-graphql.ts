import type { IncomingMessage, Server } from "node:http";

import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { makeExecutableSchema } from "@graphql-tools/schema";
import express, { type Express } from "express";
import { NoSchemaIntrospectionCustomRule, specifiedRules } from "graphql";

import { MAX_BODY_BYTES } from "../http/request-limits.ts";
import type { UpgradeRouter } from "../http/upgrade-router.ts";
import type { Logger } from "../logger.ts";
import type { Services } from "../services/create-services.ts";
import type { Identity, Viewer } from "../auth/identity.ts";
import type { GraphQLContext } from "./context.ts";
import { createFormatError } from "./format-error.ts";
import { operationLimitRules, parseOptions } from "./operation-limits.ts";
import { originOf } from "../services/audit-log.ts";
import { auditMutations } from "./audit-mutations.ts";
import { enforceOperationPolicies } from "./enforce-policies.ts";
import { resolvers } from "./resolvers/index.ts";
import { responseSizeLimitPlugin } from "./response-size-limit.ts";
import { createSubscriptionServer } from "./subscription-server.ts";
import { thrownValidationErrorPlugin } from "./thrown-validation-errors.ts";
import { SubscriptionsOverWebSocketRule } from "./subscriptions-over-websocket-rule.ts";
import { loadTypeDefs } from "./type-defs.ts";

/** Largest graphql-ws message. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface GraphQLOptions {
  app: Express;
  httpServer: Server;
  upgrades: UpgradeRouter;
  services: Services;
  log: Logger;
  identity: Identity;
  version: string;
  /**
   * Answer introspection queries. Off (production), the schema stays private on every path: no
   * introspection over either transport, no "Did you mean …?" in messages, and no landing page
   * (Apollo's loads its scripts from a CDN).
   */
  introspection: boolean;
}

/**
 * GraphQL over HTTP (Apollo, POST /graphql) and over WebSocket (graphql-ws, upgrades on
 * /graphql), with one schema, one context, one set of validation rules and limits
 * (operation-limits.ts), one response size limit and one error mapping. Apollo's drain (called
 * by `stop`) also ends the subscriptions.
 */
export async function registerGraphQL(options: GraphQLOptions): Promise<{ stop(): Promise<void> }> {
  const { app, httpServer, services, log } = options;
  // Auditing wraps the policy checks, so refused calls are recorded too.
  const schema = auditMutations(
    enforceOperationPolicies(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers })),
  );
  const rules = operationLimitRules();
  const formatError = createFormatError(log, { hideSuggestions: !options.introspection });
  // graphql-ws hands over the viewer its connectionParams named, if any.
  const contextFor = async (
    request: IncomingMessage,
    viewer?: Viewer | null,
  ): Promise<GraphQLContext> => ({
    viewer: viewer === undefined ? await options.identity.resolveViewer(request) : viewer,
    origin: originOf(request),
    services: services.forRequest(),
    log,
    version: options.version,
  });

  const subscriptions = createSubscriptionServer({
    schema,
    // Apollo adds its own introspection rule over HTTP when introspection is off.
    validationRules: [
      ...specifiedRules,
      ...rules,
      ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ],
    parseOptions,
    context: contextFor,
    identity: options.identity,
    formatError,
    log,
    maxMessageBytes: MAX_MESSAGE_BYTES,
  });
  options.upgrades.route("/graphql", subscriptions.handleUpgrade);

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    // Apollo's own reports (e.g. a request that failed outside any operation) go to pino too.
    logger: log,
    parseOptions,
    validationRules: [...rules, SubscriptionsOverWebSocketRule],
    introspection: options.introspection,
    // main.ts owns the signals and closes Redis and PostgreSQL too; Apollo's own handler (on
    // unless NODE_ENV=test) would re-raise SIGTERM after stopping and kill the process first.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: () => subscriptions.dispose(),
          }),
      },
      thrownValidationErrorPlugin(),
      responseSizeLimitPlugin(log),
      ...(options.introspection ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });
  await apollo.start();
  app.use(
    "/graphql",
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: ({ req }) => contextFor(req) }),
  );
  return { stop: () => apollo.stop() };
}
