// Deep links: `?board=<id>` opens a board, `?build=<id>` a build. The address bar follows what
// is open, so copying it shares the view.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { useToastStore } from "../../lib/toast-store";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { projectsQueryOptions } from "../projects/projects-operations";

/** The ids a URL's query string names. */
export function readDeepLink(search: string): { boardId: string | null; buildId: string | null } {
  const params = new URLSearchParams(search);
  return { boardId: params.get("board"), buildId: params.get("build") };
}

/** The query string for what is open, keeping any other parameters. */
export function writeDeepLink(
  search: string,
  open: { boardId: string | null; buildId: string | null },
): string {
  const params = new URLSearchParams(search);
  for (const [key, id] of [
    ["board", open.boardId],
    ["build", open.buildId],
  ] as const) {
    if (id === null) params.delete(key);
    else params.set(key, id);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
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
      return;
    }
    useToastStore
      .getState()
      .show("error", "The linked board does not exist, or you are not a member of its project.");
  }, [projects.data]);

  useEffect(() => {
    const sync = () => {
      const search = writeDeepLink(location.search, {
        boardId: useBoardSelectionStore.getState().selected?.boardId ?? null,
        buildId: useBuildSelectionStore.getState().selectedBuildId,
      });
      if (search !== location.search) {
        history.replaceState(history.state, "", `${location.pathname}${search}${location.hash}`);
      }
    };
    const unsubscribeBoard = useBoardSelectionStore.subscribe(sync);
    const unsubscribeBuild = useBuildSelectionStore.subscribe(sync);
    return () => {
      unsubscribeBoard();
      unsubscribeBuild();
    };
  }, []);
}
