import type { AuditEventRow } from "@bbos/db";

import type { AuditEventResolvers, QueryResolvers } from "../../../generated/graphql.ts";
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE } from "../connection.ts";
import { DomainError } from "@bbos/core";
import type { ResolversFor } from "../resolvers-for.ts";

export const auditQueries = {
  auditEvents: async (_, { projectId, filter, first, after }, { viewer, services }) => {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw new DomainError("BAD_INPUT", `first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
    }
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
