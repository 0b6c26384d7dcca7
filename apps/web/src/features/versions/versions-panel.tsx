import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { useBoardSelectionStore } from "../board/board-selection-store";
import {
  useRestoreVersion,
  useStartBuild,
  versionDiffQueryOptions,
  versionsQueryOptions,
} from "./version-operations";
import { useVersionSelectionStore } from "./version-selection-store";

/** The open board's saved versions, newest first: what changed, restore, build. */
export function VersionsPanel() {
  const boardId = useBoardSelectionStore((state) => state.selected?.boardId);
  if (!boardId) {
    return (
      <section className="panel panel--centered" aria-label="Versions">
        <p className="muted">Open a board to see its versions.</p>
      </section>
    );
  }
  return <BoardVersions key={boardId} boardId={boardId} />;
}

function BoardVersions({ boardId }: { boardId: string }) {
  const versions = useQuery(versionsQueryOptions(boardId));
  const restore = useRestoreVersion(boardId);
  const build = useStartBuild();
  const [diffOf, setDiffOf] = useState<string | null>(null);
  const chosen = useVersionSelectionStore((state) =>
    state.selected?.boardId === boardId ? state.selected : null,
  );
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    // Choosing the same version again scrolls to it again: each choice is a new object.
    if (!chosen || !versions.data) return;
    list.current
      ?.querySelector(`[data-version-id="${chosen.versionId}"]`)
      ?.scrollIntoView({ block: "nearest" });
  }, [chosen, versions.data]);

  if (versions.isPending) {
    return (
      <section className="panel" aria-label="Versions">
        <p className="muted" role="status">
          Loading versions…
        </p>
      </section>
    );
  }
  if (versions.isError) {
    return (
      <section className="panel" aria-label="Versions">
        <p role="alert">Could not load versions: {versions.error.message}</p>
      </section>
    );
  }
  if (versions.data.length === 0) {
    return (
      <section className="panel panel--centered" aria-label="Versions">
        <p className="muted">No versions yet. “Save version” in the editor saves the first.</p>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Versions">
      <ol className="version-list" ref={list}>
        {versions.data.map((version, index) => {
          const previous = versions.data[index + 1];
          return (
            <li
              key={version.id}
              className="version"
              data-version-id={version.id}
              aria-current={version.id === chosen?.versionId ? "true" : undefined}
            >
              <div className="version__head">
                <strong>Version {version.number}</strong>
                <span className="muted">
                  {version.author?.login ?? "deleted user"} ·{" "}
                  <time dateTime={version.createdAt}>
                    {new Date(version.createdAt).toLocaleString()}
                  </time>
                </span>
              </div>
              {version.message && <p className="version__message">{version.message}</p>}
              <p className="muted version__hash">
                <code title={version.contentHash}>{version.contentHash.slice(0, 12)}</code> ·{" "}
                {version.schemaId}
              </p>
              <div className="button-row">
                {previous && (
                  <button
                    type="button"
                    aria-expanded={diffOf === version.id}
                    onClick={() => setDiffOf(diffOf === version.id ? null : version.id)}
                  >
                    Changes since {previous.number}
                  </button>
                )}
                <button
                  type="button"
                  disabled={restore.isPending}
                  onClick={() => restore.mutate(version)}
                >
                  Restore
                </button>
                <button
                  type="button"
                  disabled={build.isPending}
                  onClick={() => build.mutate({ versionId: version.id })}
                >
                  Build
                </button>
              </div>
              {previous && diffOf === version.id && (
                <VersionDiff from={previous.id} to={version.id} />
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function VersionDiff({ from, to }: { from: string; to: string }) {
  const diff = useQuery(versionDiffQueryOptions(from, to));
  if (diff.isPending) return <p className="muted">Comparing…</p>;
  if (diff.isError) return <p role="alert">Could not compare: {diff.error.message}</p>;
  if (diff.data.length === 0) return <p className="muted">No changes.</p>;
  return (
    <table className="diff">
      <caption className="visually-hidden">Changes</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {diff.data.map((change) => (
          <tr key={change.path} className={`diff__row diff__row--${change.kind.toLowerCase()}`}>
            <th scope="row">
              <code>{change.path || "(whole config)"}</code>
            </th>
            <td>{change.kind === "ADDED" ? <em>added</em> : <Json value={change.oldValue} />}</td>
            <td>
              {change.kind === "REMOVED" ? <em>removed</em> : <Json value={change.newValue} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Json({ value }: { value: unknown }) {
  return <code className="diff__value">{JSON.stringify(value)}</code>;
}
