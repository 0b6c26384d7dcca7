import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

import { useBoardSelectionStore, type SelectedBoard } from "../board/board-selection-store";
import { useFieldFocusStore } from "../board/field-focus-store";
import { formatDateTime } from "../builds/build-format";
import { boardBuildsQueryOptions } from "../builds/build-operations";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { statusLabel } from "../builds/build-status";
import { versionsQueryOptions } from "../versions/version-operations";
import { useVersionSelectionStore } from "../versions/version-selection-store";
import { boardFilesQueryOptions } from "./explorer-operations";
import { TreeItem, useFocusWhenShown } from "./tree";

/** How many entries a group lists until "Show all" is chosen. */
const NEWEST = 10;

/**
 * A board's Versions, Builds and Files, as groups of its tree item. Each group asks the server
 * only once it is expanded.
 */
export function BoardGroups({ board, level }: { board: SelectedBoard; level: number }) {
  const group = (name: string, key: string, children: ReactNode) => (
    <TreeItem nodeKey={`${key}:${board.boardId}`} level={level} label={name} expandable>
      {children}
    </TreeItem>
  );
  return (
    <>
      {group("Versions", "versions", <VersionEntries board={board} level={level + 1} />)}
      {group("Builds", "builds", <BuildEntries board={board} level={level + 1} />)}
      {group("Files", "files", <FileEntries board={board} level={level + 1} />)}
    </>
  );
}

/** Opens `board` in the editor unless it is open already (which would not change anything). */
function openBoard(board: SelectedBoard): void {
  const { selected, selectBoard } = useBoardSelectionStore.getState();
  if (selected?.boardId !== board.boardId) selectBoard(board);
}

function VersionEntries({ board, level }: { board: SelectedBoard; level: number }) {
  const versions = useQuery(versionsQueryOptions(board.boardId));
  const selectedId = useVersionSelectionStore((state) =>
    state.selected?.boardId === board.boardId ? state.selected.versionId : null,
  );
  return (
    <GroupEntries
      groupKey={`versions:${board.boardId}`}
      noun="versions"
      empty="No versions yet"
      level={level}
      query={versions}
      keyOf={(version) => `version:${version.id}`}
      render={(version, key) => (
        <TreeItem
          key={key}
          nodeKey={key}
          level={level}
          label={`Version ${version.number}`}
          detail={version.message || undefined}
          current={version.id === selectedId}
          onActivate={() => {
            // The Versions panel lists the open board's versions.
            openBoard(board);
            useVersionSelectionStore
              .getState()
              .selectVersion({ boardId: board.boardId, versionId: version.id });
          }}
        />
      )}
    />
  );
}

function BuildEntries({ board, level }: { board: SelectedBoard; level: number }) {
  // `buildsUpdated` keeps it current, as it does the Builds panel's lists.
  const builds = useQuery(boardBuildsQueryOptions(board.projectId, board.boardId));
  const selectedId = useBuildSelectionStore((state) => state.selectedBuildId);
  return (
    <GroupEntries
      groupKey={`builds:${board.boardId}`}
      noun="builds"
      empty="No builds yet"
      level={level}
      query={builds}
      keyOf={(build) => `build:${build.id}`}
      render={(build, key) => (
        <TreeItem
          key={key}
          nodeKey={key}
          level={level}
          label={`v${build.version.number} · ${build.recipe}`}
          detail={`${statusLabel(build.status)} · ${formatDateTime(build.queuedAt)}`}
          current={build.id === selectedId}
          onActivate={() => useBuildSelectionStore.getState().selectBuild(build.id)}
        />
      )}
    />
  );
}

function FileEntries({ board, level }: { board: SelectedBoard; level: number }) {
  const files = useQuery(boardFilesQueryOptions(board.boardId));
  return (
    <GroupEntries
      groupKey={`files:${board.boardId}`}
      noun="files"
      empty="No extra files"
      level={level}
      query={files}
      keyOf={(file) => `file:${board.boardId}:${file.index}`}
      render={(file, key) => (
        <TreeItem
          key={key}
          nodeKey={key}
          level={level}
          label={file.path}
          detail={file.mode ?? undefined}
          onActivate={() => {
            openBoard(board);
            useFieldFocusStore.getState().focusField(`/files/${file.index}`);
          }}
        />
      )}
    />
  );
}

/**
 * A group's children: a placeholder while loading, when failed (activating it retries) or when
 * empty; else the newest entries, and "Show all" when there are more.
 */
export function GroupEntries<TEntry>({
  groupKey,
  noun,
  empty,
  level,
  query,
  keyOf,
  render,
}: {
  groupKey: string;
  noun: string;
  empty: string;
  level: number;
  query: UseQueryResult<TEntry[]>;
  keyOf: (entry: TEntry) => string;
  render: (entry: TEntry, key: string) => ReactNode;
}) {
  const [showAll, setShowAll] = useState(false);
  const focusWhenShown = useFocusWhenShown();
  const placeholder = (label: string, retry?: () => void) => (
    <TreeItem
      nodeKey={`${groupKey}:status`}
      level={level}
      label={label}
      detail={retry && "Retry"}
      disabled={!retry}
      onActivate={retry}
    />
  );

  if (query.isPending) return placeholder(`Loading ${noun}…`);
  if (query.isError) {
    return placeholder(`Could not load ${noun}: ${query.error.message}`, () => {
      void query.refetch();
    });
  }
  if (query.data.length === 0) return placeholder(empty);
  const shown = showAll ? query.data : query.data.slice(0, NEWEST);
  const firstHidden = query.data[NEWEST];
  return (
    <>
      {shown.map((entry) => render(entry, keyOf(entry)))}
      {!showAll && firstHidden !== undefined && (
        <TreeItem
          nodeKey={`${groupKey}:show-all`}
          level={level}
          label={`Show all ${query.data.length} ${noun}`}
          onActivate={() => {
            // This item goes away; focus moves on to the first entry it revealed.
            focusWhenShown(keyOf(firstHidden));
            setShowAll(true);
          }}
        />
      )}
    </>
  );
}
