// The audit trail's writer: who did or tried what, to which target, from where, and whether it
// worked. Events carry ids and codes, never the values sent (a config, a password hash, a PSK).
import type { IncomingMessage } from "node:http";

import { isRecordId } from "@bbos/core";
import {
  appendAuditEvent,
  projectOfTarget,
  type AuditEventInput,
  type Db,
  type UserRow,
} from "@bbos/db";

import type { Viewer } from "../auth/identity.ts";
import type { Logger } from "../logger.ts";

const MAX_USER_AGENT_CHARS = 256;
/** Longest target id kept: ids are UUIDs, but a refused call may name anything. */
const MAX_TARGET_ID_CHARS = 64;

/** Where a request came from, as the audit trail keeps it. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export function originOf(request: IncomingMessage): RequestOrigin {
  const userAgent = request.headers["user-agent"];
  return {
    ip: request.socket.remoteAddress ?? null,
    userAgent: typeof userAgent === "string" ? userAgent.slice(0, MAX_USER_AGENT_CHARS) : null,
  };
}

export interface AuditRecord {
  actor: Viewer | UserRow | null;
  origin: RequestOrigin;
  projectId: string | null;
  action: string;
  target: { type: string; id: string };
  outcome: "SUCCESS" | "FAILURE";
  data?: AuditEventInput["data"];
}

export function createAuditLog(db: Db, log: Logger) {
  return {
    /** The project of a board, version, build, artifact or share link, for events naming those. */
    projectOf: async (target: Parameters<typeof projectOfTarget>[1]) =>
      // A refused call may name anything as an id.
      isRecordId(target.id) ? projectOfTarget(db, target) : null,

    /**
     * Appends the event. A failure to write it is logged, not thrown: the action it describes
     * has already happened (or been refused).
     */
    async record(event: AuditRecord): Promise<void> {
      const tokenId = event.actor && "tokenId" in event.actor ? event.actor.tokenId : undefined;
      try {
        await appendAuditEvent(db, {
          actorId: event.actor?.id ?? null,
          actorLogin: event.actor?.login ?? null,
          // A refused call may name a project id that is no id at all.
          projectId:
            event.projectId !== null && isRecordId(event.projectId) ? event.projectId : null,
          action: event.action,
          targetType: event.target.type,
          targetId: event.target.id.slice(0, MAX_TARGET_ID_CHARS),
          outcome: event.outcome,
          data: { ...event.data, ...(tokenId === undefined ? {} : { tokenId }) },
          ip: event.origin.ip,
          userAgent: event.origin.userAgent,
        });
      } catch (error) {
        log.error({ err: error, action: event.action }, "audit event not recorded");
      }
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
