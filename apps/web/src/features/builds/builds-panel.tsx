import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";

import type { BuildStatus } from "../../../generated/graphql/graphql";
import type { LiveClient } from "../live/live-client";
import { describeTiming } from "./build-format";
import {
  buildRecipesQueryOptions,
  projectBuildPagesQueryOptions,
  useBuildsLive,
  type BuildSummary,
} from "./build-operations";
import { BuildProgressBar, StatusBadge } from "./build-progress";
import { useBuildSelectionStore } from "./build-selection-store";
import { BUILD_STATUSES, isBuildStatus, statusLabel } from "./build-status";
import { findRecipe, stageTitle } from "./recipe-stages";
import "./builds.css";

/**
 * The project's build queue and history, newest first, a page at a time ("Load more"), kept
 * live by `buildsUpdated`.
 */
export function BuildsPanel({
  projectId,
  client,
}: {
  projectId: string | null;
  /** The graphql-ws client; tests pass a fake. */
  client?: LiveClient;
}) {
  useBuildsLive(projectId, client);
  const [status, setStatus] = useState<BuildStatus | null>(null);
  const filterId = useId();

  if (projectId === null) {
    return (
      <section className="panel panel--centered" aria-label="Builds">
        <p className="muted">Open a board to see its project&apos;s builds.</p>
      </section>
    );
  }

  return (
    <section className="panel" aria-label="Builds">
      <div className="builds-toolbar">
        <label htmlFor={filterId}>Status</label>
        <select
          id={filterId}
          value={status ?? ""}
          onChange={(event) =>
            setStatus(isBuildStatus(event.target.value) ? event.target.value : null)
          }
        >
          <option value="">All statuses</option>
          {BUILD_STATUSES.map((option) => (
            <option key={option} value={option}>
              {statusLabel(option)}
            </option>
          ))}
        </select>
      </div>
      <BuildsTable projectId={projectId} status={status} />
    </section>
  );
}

function BuildsTable({ projectId, status }: { projectId: string; status: BuildStatus | null }) {
  const builds = useInfiniteQuery(projectBuildPagesQueryOptions(projectId, status));
  const recipes = useQuery(buildRecipesQueryOptions()).data;
  const selectedBuildId = useBuildSelectionStore((state) => state.selectedBuildId);
  const selectBuild = useBuildSelectionStore((state) => state.selectBuild);

  if (builds.isPending) return <p className="muted">Loading builds…</p>;
  if (builds.isError) return <p className="error">Could not load builds: {builds.error.message}</p>;

  const list = builds.data;
  if (list.length === 0) {
    return (
      <p className="muted">
        {status ? `No ${statusLabel(status).toLowerCase()} builds.` : "No builds yet."}
      </p>
    );
  }

  return (
    <>
      <table className="builds-table">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Build</th>
            <th scope="col">Recipe</th>
            <th scope="col">Progress</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {list.map((build) => (
            <BuildRow
              key={build.id}
              build={build}
              recipeTitle={findRecipe(recipes, build)?.title ?? build.recipe}
              stage={stageTitle(build.stages, build.stage)}
              selected={build.id === selectedBuildId}
              onSelect={() => selectBuild(build.id)}
            />
          ))}
        </tbody>
      </table>
      {builds.hasNextPage && (
        <button
          type="button"
          className="builds-load-more"
          onClick={() => void builds.fetchNextPage()}
          disabled={builds.isFetchingNextPage}
        >
          {builds.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </>
  );
}

function BuildRow({
  build,
  recipeTitle,
  stage,
  selected,
  onSelect,
}: {
  build: BuildSummary;
  recipeTitle: string;
  stage: string | null;
  selected: boolean;
  onSelect: () => void;
}) {
  const name = `${build.board.name} v${build.version.number}`;
  return (
    <tr
      className={selected ? "builds-table__row builds-table__row--selected" : "builds-table__row"}
    >
      <td>
        <StatusBadge status={build.status} />
      </td>
      <td>
        {/* The button's hit area covers the whole row (builds.css), so the row is clickable. */}
        <button
          type="button"
          className="builds-table__open"
          aria-pressed={selected}
          onClick={onSelect}
        >
          {name}
        </button>
        {build.requestedBy && (
          <div className="muted builds-table__by">by {build.requestedBy.login}</div>
        )}
      </td>
      <td>{recipeTitle}</td>
      <td className="builds-table__progress">
        <BuildProgressBar progress={build.progress} stage={stage} label={`Progress of ${name}`} />
        <div className="muted">{stage ?? ""}</div>
      </td>
      <td>{describeTiming(build)}</td>
    </tr>
  );
}
