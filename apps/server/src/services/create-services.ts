import type { ConfigValidator } from "@bbos/core";
import type { Db } from "@bbos/db";

import type { Logger } from "../logger.ts";
import { createProjectService, type ProjectService } from "./project-service.ts";
import { createValidationService, type ValidationService } from "./validation-service.ts";

/** What the use cases are built from; main.ts (or a test) owns the connections. */
export interface ServiceDependencies {
  db: Db;
  validator: ConfigValidator;
  log: Logger;
}

/** The use cases one request sees; request-scoped ones batch and cache per request. */
export interface RequestServices {
  projects: ProjectService;
  validation: ValidationService;
}

/**
 * Builds the process-wide services once; `forRequest()` adds the request-scoped ones (their
 * DataLoader batches must not outlive a request, or one user's cached rows would reach another).
 */
export function createServices({ db, validator, log }: ServiceDependencies) {
  const validation = createValidationService({ validator, log });
  return {
    forRequest(): RequestServices {
      return { projects: createProjectService(db), validation };
    },
  };
}

export type Services = ReturnType<typeof createServices>;
