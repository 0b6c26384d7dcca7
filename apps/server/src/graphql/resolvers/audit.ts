import { DomainError } from "@bbos/core";
import type { AuditEventRow } from "@bbos/db";

import type { AuditEventResolvers, QueryResolvers } from "../../../generated/graphql.ts";
import { checkPageSize, decodeCursor, encodeCursor } from "../connection.ts";
import type { ResolversFor } from "../resolvers-for.ts";

export const auditQueries = {
  auditEvents: async (_, { projectId, filter, first, after }, { viewer, services }) => {
    checkPageSize(first);
    const afterId = after == null ? null : decodeCursor(after);
    if (afterId !== null && !/^\d{1,19}$/.test(afterId)) {
      throw new DomainError("BAD_INPUT", "`after` is not a cursor this API returned");
    }
    const { events, total, hasMore } = await services.projects.auditEvents(
      viewer,
      projectId,
      {
        action: filter?.action,
        actorId: filter?.actorId,
        outcome: filter?.outcome,
        since: filter?.since,
      },
      { first, afterId: afterId === null ? null : BigInt(afterId) },
    );
    const edges = events.map((node) => ({ cursor: encodeCursor(String(node.id)), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: hasMore,
        hasPreviousPage: after != null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: total,
    };
  },
} satisfies QueryResolvers;

export const AuditEvent = {
  id: (event) => String(event.id),
  details: (event) => event.data,
} satisfies ResolversFor<AuditEventResolvers, AuditEventRow>;
