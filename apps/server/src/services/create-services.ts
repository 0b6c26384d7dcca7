import type { ConfigValidator } from "@bbos/core";
import type { Db } from "@bbos/db";

import type { CollabHub } from "../collab/collab-hub.ts";
import type { Logger } from "../logger.ts";
import { createBoardService, type BoardService } from "./board-service.ts";
import { createProjectService, type ProjectService } from "./project-service.ts";
import { createLiveValidation, type LiveValidation } from "./live-validation.ts";
import { createValidationService, type ValidationService } from "./validation-service.ts";
import { createVersionService, type VersionService } from "./version-service.ts";

/** What the use cases are built from; main.ts (or a test) owns the connections. */
export interface ServiceDependencies {
  db: Db;
  validator: ConfigValidator;
  log: Logger;
  /** The open board documents; the server's own edits to a board go through it. */
  collab: CollabHub;
}

/** The use cases one request sees; request-scoped ones batch and cache per request. */
export interface RequestServices {
  boards: BoardService;
  projects: ProjectService;
  validation: ValidationService;
  versions: VersionService;
  /** Process-wide: one watch per board, whoever subscribes. */
  liveValidation: LiveValidation;
}

/**
 * Builds the process-wide services once; `forRequest()` adds the request-scoped ones (their
 * DataLoader batches must not outlive a request, or one user's cached rows would reach another).
 */
export function createServices({ db, validator, log, collab }: ServiceDependencies) {
  const validation = createValidationService({ validator, log });
  const liveValidation = createLiveValidation({ db, collab, validation, log });
  return {
    forRequest(): RequestServices {
      return {
        boards: createBoardService({ db, validation, collab }),
        projects: createProjectService(db),
        validation,
        versions: createVersionService({ db, validation, collab }),
        liveValidation,
      };
    },
  };
}

export type Services = ReturnType<typeof createServices>;
