import { useQuery } from "@tanstack/react-query";

import type { LiveClient } from "../live/live-client";
import { describeTiming, formatDateTime } from "./build-format";
import { BuildLog } from "./build-log";
import {
  buildQueryOptions,
  buildRecipesQueryOptions,
  useBuildLive,
  useCancelBuild,
  useRetryBuild,
  type BuildDetail,
} from "./build-operations";
import { BuildProgressBar, StatusBadge } from "./build-progress";
import { useBuildSelectionStore } from "./build-selection-store";
import { isEnded } from "./build-status";
import { findRecipe, stageStates, stageTitle, type StageState } from "./recipe-stages";
import "./builds.css";

const STAGE_MARKS: Record<StageState, { icon: string; text: string }> = {
  done: { icon: "✓", text: "done" },
  current: { icon: "▶", text: "current" },
  failed: { icon: "✕", text: "stopped here" },
  pending: { icon: "○", text: "pending" },
};

/** The selected build: its state, stages, actions and live log. */
export function BuildDetailPanel({ client }: { client?: LiveClient } = {}) {
  const buildId = useBuildSelectionStore((state) => state.selectedBuildId);
  useBuildLive(buildId, client);

  if (buildId === null) {
    return (
      <section className="panel panel--centered" aria-label="Build">
        <p className="muted">Select a build to see its progress and log.</p>
      </section>
    );
  }
  return <BuildDetail key={buildId} buildId={buildId} client={client} />;
}

function BuildDetail({ buildId, client }: { buildId: string; client: LiveClient | undefined }) {
  const query = useQuery(buildQueryOptions(buildId));

  if (query.isPending) {
    return (
      <section className="panel" aria-label="Build">
        <p className="muted">Loading the build…</p>
      </section>
    );
  }
  if (query.isError || query.data === null) {
    return (
      <section className="panel" aria-label="Build">
        <p className="error">
          {query.isError
            ? `Could not load the build: ${query.error.message}`
            : "There is no such build, or you are not a member of its project."}
        </p>
      </section>
    );
  }

  const build = query.data;
  return (
    <section className="panel build-detail" aria-label="Build">
      <BuildHeader build={build} />
      <BuildLog buildId={build.id} client={client} />
      {build.logUrl && (
        <p className="build-detail__raw">
          <a href={build.logUrl} download>
            Download raw log
          </a>
        </p>
      )}
    </section>
  );
}

function BuildHeader({ build }: { build: BuildDetail }) {
  const recipe = findRecipe(useQuery(buildRecipesQueryOptions()).data, build);
  const cancel = useCancelBuild();
  const retry = useRetryBuild();
  const stage = stageTitle(build.stages, build.stage);
  const stages = stageStates(build);
  const ended = isEnded(build.status);

  return (
    <header className="build-detail__header">
      <div className="build-detail__title">
        <h2 className="panel__title">
          {build.board.name} v{build.version.number}
        </h2>
        <StatusBadge status={build.status} />
      </div>
      <dl className="build-facts">
        <dt>Recipe</dt>
        <dd>
          {recipe?.title ?? build.recipe}{" "}
          <span className="muted">(version {build.recipeVersion})</span>
        </dd>
        <dt>Attempt</dt>
        <dd>{build.attempt}</dd>
        <dt>Queued</dt>
        <dd>
          {formatDateTime(build.queuedAt)}
          {build.requestedBy && ` by ${build.requestedBy.login}`}
        </dd>
      </dl>
      {build.status === "FAILED" && build.errorMessage && (
        <p className="error build-detail__error">Failed: {build.errorMessage}</p>
      )}
      {build.cancelRequested && !ended && <p className="muted">Cancel requested…</p>}

      <BuildProgressBar progress={build.progress} stage={stage} label="Build progress" />
      <p className="build-detail__progress-text">
        {Math.round(build.progress * 100)}%{stage && ` · ${stage}`} · {describeTiming(build)}
      </p>
      {stages.length > 0 && (
        <ol className="build-stages" aria-label="Stages">
          {stages.map((item) => (
            <li
              key={item.id}
              className={`build-stages__stage build-stages__stage--${item.state}`}
              aria-current={item.state === "current" ? "step" : undefined}
            >
              <span aria-hidden="true">{STAGE_MARKS[item.state].icon}</span> {item.title}
              <span className="visually-hidden"> ({STAGE_MARKS[item.state].text})</span>
            </li>
          ))}
        </ol>
      )}

      <div className="button-row">
        {!ended && (
          <button
            type="button"
            onClick={() => cancel.mutate(build.id)}
            disabled={cancel.isPending || build.cancelRequested}
          >
            Cancel build
          </button>
        )}
        {ended && (
          <button type="button" onClick={() => retry.mutate(build.id)} disabled={retry.isPending}>
            Retry build
          </button>
        )}
      </div>
    </header>
  );
}
