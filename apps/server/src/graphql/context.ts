import type { Viewer } from "../auth/identity.ts";
import type { Logger } from "../logger.ts";
import type { RequestOrigin } from "../services/audit-log.ts";
import type { RequestServices } from "../services/create-services.ts";

/**
 * What every resolver receives. Built per HTTP request and per graphql-ws subscription.
 * There is no database client here on purpose: resolvers go through services.
 */
export interface GraphQLContext {
  viewer: Viewer | null;
  /** Where the request came from, for the audit trail. */
  origin: RequestOrigin;
  services: RequestServices;
  log: Logger;
  /** The server's version, reported by `health`. */
  version: string;
}
