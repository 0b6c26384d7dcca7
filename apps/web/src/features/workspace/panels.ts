/** Every panel of the workspace: its tab id (also its `component`) and its title. */
export const PANELS = {
  explorer: "Explorer",
  board: "Config editor",
  validation: "Validation",
  versions: "Versions",
  builds: "Builds",
  build: "Build detail",
  artifacts: "Artifacts",
  activity: "Activity",
} as const;

export type PanelId = keyof typeof PANELS;

export function isPanelId(value: string | undefined): value is PanelId {
  return value !== undefined && Object.hasOwn(PANELS, value);
}

/** Where a closed panel comes back when it is opened again: the tabset it starts in. */
export const HOME_TABSET: Record<PanelId, string> = {
  explorer: "side",
  board: "main",
  validation: "side",
  versions: "side",
  builds: "bottom",
  build: "bottom",
  artifacts: "bottom",
  activity: "side",
};
