import type { IJsonModel } from "flexlayout-react";

/** The `component` names the workspace factory knows how to render. */
export type WorkspaceComponent = "projects" | "board" | "build-log";

/**
 * Projects docked left, the board editor in the middle, the build log docked at the bottom.
 * Tab ids are stable so persisted layouts keep pointing at the same panels.
 */
export function createDefaultLayout(): IJsonModel {
  return {
    global: {
      tabEnableClose: false,
      tabEnableRename: false,
      tabSetEnableMaximize: true,
    },
    borders: [
      {
        type: "border",
        location: "left",
        size: 280,
        selected: 0,
        children: [
          {
            type: "tab",
            id: "projects",
            name: "Projects",
            component: "projects" satisfies WorkspaceComponent,
          },
        ],
      },
      {
        type: "border",
        location: "bottom",
        size: 220,
        selected: 0,
        children: [
          {
            type: "tab",
            id: "build-log",
            name: "Build log",
            component: "build-log" satisfies WorkspaceComponent,
          },
        ],
      },
    ],
    layout: {
      type: "row",
      children: [
        {
          type: "tabset",
          id: "main",
          children: [
            {
              type: "tab",
              id: "board",
              name: "Board",
              component: "board" satisfies WorkspaceComponent,
            },
          ],
        },
      ],
    },
  };
}
