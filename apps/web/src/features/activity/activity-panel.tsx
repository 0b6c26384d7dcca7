import { queryOptions, useQuery } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import { GraphQLRequestError, graphqlRequest } from "../../lib/graphql";
import { useBoardSelectionStore } from "../board/board-selection-store";

const ACTIVITY_QUERY = graphql(`
  query ProjectActivity($projectId: ID!) {
    auditEvents(projectId: $projectId, first: 50) {
      edges {
        node {
          id
          action
          outcome
          actorLogin
          targetType
          targetId
          createdAt
        }
      }
    }
  }
`);

/** The audit trail is append-only, so polling it is cheap; every API node writes to it. */
const ACTIVITY_REFRESH_MS = 15_000;

function activityQueryOptions(projectId: string) {
  return queryOptions({
    queryKey: ["activity", projectId] as const,
    queryFn: ({ signal }) => graphqlRequest(ACTIVITY_QUERY, { projectId }, { signal }),
    select: (data) => data.auditEvents.edges.map((edge) => edge.node),
    refetchInterval: ACTIVITY_REFRESH_MS,
  });
}

/** "saveVersion" → "save version". */
function describeAction(action: string): string {
  return action.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
}

/** The open board's project: who did what, newest first, the open board's events marked. */
export function ActivityPanel() {
  const selected = useBoardSelectionStore((state) => state.selected);
  if (!selected) {
    return (
      <section className="panel panel--centered" aria-label="Activity">
        <p className="muted">Open a board to see its project’s activity.</p>
      </section>
    );
  }
  return <ProjectActivity projectId={selected.projectId} boardId={selected.boardId} />;
}

function ProjectActivity({ projectId, boardId }: { projectId: string; boardId: string }) {
  const events = useQuery(activityQueryOptions(projectId));
  if (events.isPending) {
    return (
      <section className="panel" aria-label="Activity">
        <p className="muted" role="status">
          Loading activity…
        </p>
      </section>
    );
  }
  if (events.isError) {
    const forbidden =
      events.error instanceof GraphQLRequestError && events.error.code === "FORBIDDEN";
    return (
      <section className="panel panel--centered" aria-label="Activity">
        <p className={forbidden ? "muted" : undefined} role={forbidden ? undefined : "alert"}>
          {forbidden
            ? "Only the project’s owners and maintainers see its activity."
            : `Could not load activity: ${events.error.message}`}
        </p>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Activity">
      {events.data.length === 0 ? (
        <p className="muted">Nothing has happened in this project yet.</p>
      ) : (
        <ol className="activity">
          {events.data.map((event) => (
            <li
              key={event.id}
              className={event.targetId === boardId ? "activity__event--this-board" : undefined}
            >
              <time dateTime={event.createdAt}>
                {new Date(event.createdAt).toLocaleTimeString()}
              </time>{" "}
              <strong>{event.actorLogin ?? "someone signed out"}</strong>{" "}
              {describeAction(event.action)}
              {event.outcome === "FAILURE" && <span className="activity__failed"> (refused)</span>}
              {event.targetId === boardId && <span className="muted"> · this board</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
