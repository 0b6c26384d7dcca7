import type { Db, UserRow } from "@bbos/db";

import type { Logger } from "../logger.ts";
import type { ProjectService } from "../services/project-service.ts";
import type { ValidationService } from "../services/validation-service.ts";

/** What every resolver receives. Built per HTTP request and per graphql-ws subscription. */
export interface GraphQLContext {
  viewer: UserRow | null;
  services: { projects: ProjectService; validation: ValidationService };
  db: Db;
  log: Logger;
  /** The server's version, reported by `health`. */
  version: string;
}
