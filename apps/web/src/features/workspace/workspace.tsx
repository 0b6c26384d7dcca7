import { Layout, Model, type IJsonModel, type TabNode } from "flexlayout-react";
import { useState } from "react";

import { BoardPanel } from "../board/board-panel";
import { BuildLogPanel } from "../builds/build-log-panel";
import { ProjectsPanel } from "../projects/projects-panel";
import { createDefaultLayout, type WorkspaceComponent } from "./default-layout";
import { useLayoutStore } from "./layout-store";

/** The dockable workspace. Resetting the layout remounts it with a fresh `Model`. */
export function Workspace() {
  const revision = useLayoutStore((state) => state.revision);
  return <WorkspaceLayout key={revision} />;
}

function WorkspaceLayout() {
  // FlexLayout mutates its Model in place, so it is created once per mount, from the stored
  // JSON, and the store only receives snapshots; feeding every snapshot back as a new Model
  // would reset in-flight drags and splitter moves.
  const [model] = useState(() => toModel(useLayoutStore.getState().layoutJson));
  const saveLayout = useLayoutStore((state) => state.saveLayout);

  return (
    <div className="workspace">
      <Layout
        model={model}
        factory={renderTab}
        onModelChange={(changed) => saveLayout(changed.toJson())}
      />
    </div>
  );
}

function renderTab(node: TabNode) {
  const component = node.getComponent();
  switch (component as WorkspaceComponent) {
    case "projects":
      return <ProjectsPanel />;
    case "board":
      return <BoardPanel />;
    case "build-log":
      return <BuildLogPanel />;
    default:
      // A saved layout can name a panel this build no longer has.
      return <p className="muted">Unknown panel “{component}”. Reset the layout to restore it.</p>;
  }
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
