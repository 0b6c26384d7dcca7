import type { ConfigValidator } from "@bbos/core";
import type { Db, SecretKeyRing } from "@bbos/db";

import type { UserDirectory } from "../auth/user-directory.ts";
import type { CollabHub } from "../collab/collab-hub.ts";
import type { Logger } from "../logger.ts";
import type { AuditLog } from "./audit-log.ts";
import { createBoardService, type BoardService } from "./board-service.ts";
import {
  createBuildService,
  type BuildService,
  type BuildServiceOptions,
} from "./build-service.ts";
import {
  createProjectService,
  type MembershipChangeLimit,
  type ProjectService,
} from "./project-service.ts";
import { createFileService, type FileService, type FileServiceOptions } from "./file-service.ts";
import { createLiveValidation, type LiveValidation } from "./live-validation.ts";
import { createShareService, type ShareService } from "./share-service.ts";
import { createTokenService, type TokenService } from "./token-service.ts";
import { createValidationService, type ValidationService } from "./validation-service.ts";
import { createVersionService, type VersionService } from "./version-service.ts";

/** What the use cases are built from; main.ts (or a test) owns the connections. */
export interface ServiceDependencies {
  db: Db;
  validator: ConfigValidator;
  log: Logger;
  /** The open board documents; the server's own edits to a board go through it. */
  collab: CollabHub;
  /** The build queue, events, recipes and artifact links. */
  builds: Omit<BuildServiceOptions, "db" | "validation">;
  /** Where project files are stored, and their size limit. */
  files: Omit<FileServiceOptions, "db">;
  /** The public half of the key that signs artifacts. */
  signingKey: SigningKeyInfo;
  /** Finds people to invite by GitHub login. */
  users: UserDirectory;
  /** The audit trail's writer, shared with the HTTP routes. */
  audit: AuditLog;
  /** Seals the values of secret config fields. */
  secrets: SecretKeyRing;
  /** The rate limit of membership changes, per user. */
  membershipChangeLimit: MembershipChangeLimit;
}

/** The artifact signing key as the API shows it. */
export interface SigningKeyInfo {
  keyId: string;
  publicKey: string;
  publicKeyFile: string;
  development: boolean;
}

/** The use cases one request sees; request-scoped ones batch and cache per request. */
export interface RequestServices {
  boards: BoardService;
  projects: ProjectService;
  validation: ValidationService;
  versions: VersionService;
  builds: BuildService;
  files: FileService;
  tokens: TokenService;
  shareLinks: ShareService;
  audit: AuditLog;
  signingKey: SigningKeyInfo;
  /** Process-wide: one watch per board, whoever subscribes. */
  liveValidation: LiveValidation;
}

/**
 * Builds the process-wide services once; `forRequest()` adds the request-scoped ones (their
 * DataLoader batches must not outlive a request, or one user's cached rows would reach another).
 */
export function createServices(dependencies: ServiceDependencies) {
  const { db, validator, log, collab, signingKey, secrets } = dependencies;
  const validation = createValidationService({ validator, log });
  const liveValidation = createLiveValidation({ db, collab, validation, log });
  const builds = createBuildService({ db, validation, ...dependencies.builds });
  const files = createFileService({ db, ...dependencies.files });
  const { audit } = dependencies;
  return {
    /** Process-wide, for the HTTP routes: uploads and downloads of project files. */
    files,
    forRequest(): RequestServices {
      return {
        boards: createBoardService({ db, validation, collab, secrets }),
        projects: createProjectService(db, dependencies.users, dependencies.membershipChangeLimit),
        validation,
        versions: createVersionService({ db, validation, collab }),
        builds,
        files,
        tokens: createTokenService(db),
        shareLinks: createShareService(db),
        audit,
        signingKey,
        liveValidation,
      };
    },
  };
}

export type Services = ReturnType<typeof createServices>;
