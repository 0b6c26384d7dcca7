import type { IJsonModel, IJsonTabNode } from "flexlayout-react";

import { PANELS, type PanelId } from "./panels";

/** Below this width the Explorer starts folded into its border, leaving the editor the screen. */
const NARROW_VIEWPORT_PX = 720;

function tab(id: PanelId): IJsonTabNode {
  return { type: "tab", id, name: PANELS[id], component: id };
}

/**
 * The Explorer docked left; the config editor above the builds, with validation, versions and
 * activity beside them. Tab ids are stable, so saved layouts keep pointing at the same panels.
 */
export function createDefaultLayout(viewportWidth = globalThis.innerWidth): IJsonModel {
  const narrow = viewportWidth < NARROW_VIEWPORT_PX;
  return {
    global: {
      tabEnableClose: true,
      tabEnableRename: false,
      tabSetEnableMaximize: true,
      tabSetMinWidth: 160,
      tabSetMinHeight: 80,
    },
    borders: [
      {
        type: "border",
        location: "left",
        size: 280,
        // -1: folded; the border's button opens it.
        selected: narrow ? -1 : 0,
        children: [{ ...tab("explorer"), enableClose: false }],
      },
    ],
    layout: narrow
      ? // One tabset: on a phone every panel gets the whole width.
        {
          type: "row",
          children: [
            {
              type: "tabset",
              id: "main",
              children: (
                [
                  "board",
                  "validation",
                  "versions",
                  "builds",
                  "build",
                  "artifacts",
                  "activity",
                ] as const
              ).map(tab),
            },
          ],
        }
      : {
          type: "row",
          children: [
            {
              // A row inside a row runs the other way: the editor above the builds.
              type: "row",
              weight: 65,
              children: [
                { type: "tabset", id: "main", weight: 62, children: [tab("board")] },
                {
                  type: "tabset",
                  id: "bottom",
                  weight: 38,
                  children: [tab("builds"), tab("build"), tab("artifacts")],
                },
              ],
            },
            {
              type: "tabset",
              id: "side",
              weight: 35,
              children: [tab("validation"), tab("versions"), tab("activity")],
            },
          ],
        },
  };
}
