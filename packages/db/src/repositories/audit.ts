import type { DbClient } from "../client.ts";
import type { AuditOutcome, Prisma } from "../../generated/prisma/client.ts";

export interface AuditEventInput {
  actorId: string | null;
  actorLogin: string | null;
  projectId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  outcome: AuditOutcome;
  /** Details without secrets. */
  data?: Record<string, string | number | boolean | null>;
  ip: string | null;
  userAgent: string | null;
}

/** Appends one event; the table takes no updates or deletes (a trigger refuses them). */
export async function appendAuditEvent(db: DbClient, event: AuditEventInput): Promise<void> {
  await db.auditEvent.create({ data: { ...event, data: event.data ?? {} } });
}

const auditEventSelect = {
  id: true,
  actorId: true,
  actorLogin: true,
  projectId: true,
  action: true,
  targetType: true,
  targetId: true,
  outcome: true,
  data: true,
  ip: true,
  userAgent: true,
  createdAt: true,
} satisfies Prisma.AuditEventSelect;

export type AuditEventRow = Prisma.AuditEventGetPayload<{ select: typeof auditEventSelect }>;

export interface AuditEventFilter {
  action?: string | null;
  actorId?: string | null;
  outcome?: AuditOutcome | null;
  /** Events at or after this time. */
  since?: Date | null;
}

/** A project's events, newest first: up to `take` after the event `afterId`. */
export async function listAuditEvents(
  db: DbClient,
  projectId: string,
  filter: AuditEventFilter,
  page: { take: number; afterId?: bigint | null },
): Promise<{ events: AuditEventRow[]; total: number }> {
  const where: Prisma.AuditEventWhereInput = {
    projectId,
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.since ? { createdAt: { gte: filter.since } } : {}),
  };
  const [events, total] = await Promise.all([
    db.auditEvent.findMany({
      where: { ...where, ...(page.afterId == null ? {} : { id: { lt: page.afterId } }) },
      orderBy: { id: "desc" },
      take: page.take,
      select: auditEventSelect,
    }),
    db.auditEvent.count({ where }),
  ]);
  return { events, total };
}

/**
 * The project a board, version, build, artifact, share link or project file belongs to; null
 * for no such id. `target.id` must be shaped like an id (a UUID), which the caller checks.
 */
export async function projectOfTarget(
  db: DbClient,
  target: {
    type: "Board" | "ConfigVersion" | "Build" | "Artifact" | "ShareLink" | "ProjectFile";
    id: string;
  },
): Promise<string | null> {
  switch (target.type) {
    case "ProjectFile":
      return (
        (await db.projectFile.findUnique({ where: { id: target.id }, select: { projectId: true } }))
          ?.projectId ?? null
      );
    case "Board":
      return (
        (await db.board.findUnique({ where: { id: target.id }, select: { projectId: true } }))
          ?.projectId ?? null
      );
    case "ConfigVersion":
      return (
        (
          await db.configVersion.findUnique({
            where: { id: target.id },
            select: { board: { select: { projectId: true } } },
          })
        )?.board.projectId ?? null
      );
    case "Build":
      return (
        (
          await db.build.findUnique({
            where: { id: target.id },
            select: { configVersion: { select: { board: { select: { projectId: true } } } } },
          })
        )?.configVersion.board.projectId ?? null
      );
    case "ShareLink": {
      const link = await db.shareLink.findUnique({
        where: { id: target.id },
        select: { buildId: true },
      });
      return link ? projectOfTarget(db, { type: "Build", id: link.buildId }) : null;
    }
    case "Artifact":
      return (
        (
          await db.artifact.findUnique({
            where: { id: target.id },
            select: {
              build: {
                select: { configVersion: { select: { board: { select: { projectId: true } } } } },
              },
            },
          })
        )?.build.configVersion.board.projectId ?? null
      );
  }
}
