import {
  Actions,
  BorderNode,
  DockLocation,
  Layout,
  Model,
  TabNode,
  TabSetNode,
  type IJsonModel,
} from "flexlayout-react";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";

import { sessionQueryOptions } from "../auth/session-operations";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useFieldFocusStore } from "../board/field-focus-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { ActivityPanel } from "../activity/activity-panel";
import { ExplorerPanel } from "../explorer/explorer-panel";
import { PanelBoundary } from "../shell/panel-boundary";
import { ValidationPanel } from "../validation/validation-panel";
import { useVersionSelectionStore } from "../versions/version-selection-store";
import { createDefaultLayout } from "./default-layout";
import { useDeepLinks } from "./deep-links";
import { loadLayoutOf, useLayoutStore } from "./layout-store";
import { HOME_TABSET, isPanelId, PANELS, type PanelId } from "./panels";

// The heavy panels (the form engine and its validator, the log viewer) load on first use, so
// the first screen needs only the shell's code.
const BoardPanel = lazy(() =>
  import("../board/board-panel").then((module) => ({ default: module.BoardPanel })),
);
const VersionsPanel = lazy(() =>
  import("../versions/versions-panel").then((module) => ({ default: module.VersionsPanel })),
);
const BuildsPanel = lazy(() =>
  import("../builds/builds-panel").then((module) => ({ default: module.BuildsPanel })),
);
const BuildDetailPanel = lazy(() =>
  import("../builds/build-detail-panel").then((module) => ({
    default: module.BuildDetailPanel,
  })),
);
const ArtifactsPanel = lazy(() =>
  import("../builds/artifacts-panel").then((module) => ({ default: module.ArtifactsPanel })),
);

/**
 * The dockable workspace, in the signed-in user's saved layout. Loading a layout or resetting
 * it remounts the layout with a fresh `Model`.
 */
export function Workspace() {
  const login = useQuery(sessionQueryOptions).data?.user?.login ?? "local";
  const owner = useLayoutStore((state) => state.owner);
  const revision = useLayoutStore((state) => state.revision);
  useEffect(() => void loadLayoutOf(login), [login]);
  if (owner !== login) return null;
  return <WorkspaceLayout key={revision} />;
}

function WorkspaceLayout() {
  // FlexLayout mutates its Model in place, so it is created once per mount, from the stored
  // JSON, and the store only receives snapshots; feeding every snapshot back as a new Model
  // would reset in-flight drags and splitter moves.
  const [model] = useState(() => toModel(useLayoutStore.getState().layoutJson));
  const saveLayout = useLayoutStore((state) => state.saveLayout);
  const resetLayout = useLayoutStore((state) => state.resetLayout);
  useDeepLinks();
  useBringForward(model);

  return (
    <div className="workspace">
      <div className="workspace__toolbar" role="toolbar" aria-label="Workspace">
        <select
          aria-label="Open panel"
          value=""
          onChange={(event) => {
            if (isPanelId(event.target.value)) openPanel(model, event.target.value);
          }}
        >
          <option value="">Open panel…</option>
          {Object.entries(PANELS).map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
        <button type="button" onClick={resetLayout}>
          Reset layout
        </button>
      </div>
      <div className="workspace__layout">
        <Layout
          model={model}
          factory={renderTab}
          onModelChange={(changed) => saveLayout(changed.toJson())}
        />
      </div>
    </div>
  );
}

/**
 * Choosing a board, or a field of its config, shows the editor; choosing a version shows
 * Versions, and a build its detail.
 */
function useBringForward(model: Model): void {
  useEffect(() => {
    const unsubscribeBoard = useBoardSelectionStore.subscribe((state, previous) => {
      if (state.selected && state.selected.boardId !== previous.selected?.boardId) {
        openPanel(model, "board");
      }
    });
    const unsubscribeBuild = useBuildSelectionStore.subscribe((state, previous) => {
      if (state.selectedBuildId && state.selectedBuildId !== previous.selectedBuildId) {
        openPanel(model, "build");
      }
    });
    const unsubscribeVersion = useVersionSelectionStore.subscribe((state, previous) => {
      if (state.selected && state.selected !== previous.selected) openPanel(model, "versions");
    });
    const unsubscribeFocus = useFieldFocusStore.subscribe((state, previous) => {
      if (state.request && state.request !== previous.request) openPanel(model, "board");
    });
    return () => {
      unsubscribeBoard();
      unsubscribeBuild();
      unsubscribeVersion();
      unsubscribeFocus();
    };
  }, [model]);
}

/** Shows the panel: selects its tab where it is, or adds it back to its home tabset. */
function openPanel(model: Model, id: PanelId): void {
  const node = model.getNodeById(id);
  if (node instanceof TabNode) {
    const parent = node.getParent();
    // Selecting the selected tab of a border would fold the border instead.
    const shown =
      parent instanceof BorderNode
        ? parent.getSelectedNode() === node
        : parent instanceof TabSetNode && parent.getSelectedNode() === node;
    if (!shown) model.doAction(Actions.selectTab(id));
    return;
  }
  const home = model.getNodeById(HOME_TABSET[id]);
  const target = home instanceof TabSetNode ? home : firstTabSet(model);
  if (!target) return;
  model.doAction(
    Actions.addNode(
      { type: "tab", id, name: PANELS[id], component: id },
      target.getId(),
      DockLocation.CENTER,
      -1,
      true,
    ),
  );
}

function firstTabSet(model: Model): TabSetNode | undefined {
  let found: TabSetNode | undefined;
  model.visitNodes((node) => {
    if (!found && node instanceof TabSetNode) found = node;
  });
  return found;
}

function renderTab(node: TabNode) {
  const component = node.getComponent();
  if (!isPanelId(component)) {
    // A saved layout can name a panel this build no longer has.
    return <p className="muted">Unknown panel “{component}”. Reset the layout to restore it.</p>;
  }
  return (
    <PanelBoundary name={PANELS[component]}>
      <Suspense fallback={<p className="muted panel">Loading…</p>}>
        {panelContent(component)}
      </Suspense>
    </PanelBoundary>
  );
}

function panelContent(id: PanelId): ReactNode {
  switch (id) {
    case "explorer":
      return <ExplorerPanel />;
    case "board":
      return <BoardPanel />;
    case "validation":
      return <ValidationPanel />;
    case "versions":
      return <VersionsPanel />;
    case "builds":
      return <SelectedProjectBuilds />;
    case "build":
      return <BuildDetailPanel />;
    case "artifacts":
      return <ArtifactsPanel />;
    case "activity":
      return <ActivityPanel />;
  }
}

/** The builds of the project whose board is open. */
function SelectedProjectBuilds() {
  const projectId = useBoardSelectionStore((state) => state.selected?.projectId ?? null);
  return <BuildsPanel projectId={projectId} />;
}

function toModel(json: IJsonModel): Model {
  try {
    return Model.fromJson(json);
  } catch (error) {
    // A corrupt saved layout must not lock the user out of the app; the default replaces it
    // on the next model change, so nothing worth keeping is lost.
    console.warn("Ignoring the saved workspace layout", error);
    return Model.fromJson(createDefaultLayout());
  }
}
