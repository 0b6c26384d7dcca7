// Deep links: `?board=<id>` opens a board, `&version=<id>` one of its versions, `?build=<id>` a
// build. The address bar follows what is open, so copying it shares the view.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { useToastStore } from "../../lib/toast-store";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { projectsQueryOptions } from "../projects/projects-operations";
import { useVersionSelectionStore } from "../versions/version-selection-store";

/** What a URL opens: a board, one of its versions, a build. */
export interface DeepLink {
  boardId: string | null;
  /** Only with `boardId`: a version of that board. */
  versionId: string | null;
  buildId: string | null;
}

const PARAMETERS = [
  ["board", "boardId"],
  ["version", "versionId"],
  ["build", "buildId"],
] as const;

/** The ids a URL's query string names. */
export function readDeepLink(search: string): DeepLink {
  const params = new URLSearchParams(search);
  const boardId = params.get("board");
  return {
    boardId,
    versionId: boardId === null ? null : params.get("version"),
    buildId: params.get("build"),
  };
}

/** The query string for what is open, keeping any other parameters. */
export function writeDeepLink(search: string, open: DeepLink): string {
  const params = new URLSearchParams(search);
  for (const [key, field] of PARAMETERS) {
    const id = open[field];
    if (id === null) params.delete(key);
    else params.set(key, id);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** What is open now, as a deep link: the version only while its board is the open one. */
function openNow(): DeepLink {
  const boardId = useBoardSelectionStore.getState().selected?.boardId ?? null;
  const version = useVersionSelectionStore.getState().selected;
  return {
    boardId,
    versionId: version !== null && version.boardId === boardId ? version.versionId : null,
    buildId: useBuildSelectionStore.getState().selectedBuildId,
  };
}

/** Opens what the page's URL names, then keeps the URL in step with the selection. */
export function useDeepLinks(): void {
  const [linked] = useState(() => readDeepLink(location.search));
  // The linked board opens once, when the project list that names it first arrives.
  const pendingBoardId = useRef(linked.boardId);
  const projects = useQuery({ ...projectsQueryOptions(), enabled: linked.boardId !== null });

  useEffect(() => {
    if (linked.buildId !== null) useBuildSelectionStore.getState().selectBuild(linked.buildId);
  }, [linked]);

  useEffect(() => {
    const boardId = pendingBoardId.current;
    if (boardId === null || !projects.data) return;
    pendingBoardId.current = null;
    for (const project of projects.data) {
      const board = project.boards.find((candidate) => candidate.id === boardId);
      if (!board) continue;
      useBoardSelectionStore.getState().selectBoard({
        projectId: project.id,
        projectName: project.name,
        boardId: board.id,
        boardName: board.name,
        schemaId: board.schemaId,
      });
      if (linked.versionId !== null) {
        useVersionSelectionStore
          .getState()
          .selectVersion({ boardId: board.id, versionId: linked.versionId });
      }
      return;
    }
    useToastStore
      .getState()
      .show("error", "The linked board does not exist, or you are not a member of its project.");
  }, [linked, projects.data]);

  useEffect(() => {
    const sync = () => {
      const search = writeDeepLink(location.search, openNow());
      if (search !== location.search) {
        history.replaceState(history.state, "", `${location.pathname}${search}${location.hash}`);
      }
    };
    const unsubscribes = [
      useBoardSelectionStore.subscribe(sync),
      useVersionSelectionStore.subscribe(sync),
      useBuildSelectionStore.subscribe(sync),
    ];
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }, []);
}
