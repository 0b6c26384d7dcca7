import { create } from "zustand";

/** A version chosen elsewhere (the Explorer), for the Versions panel to show as selected. */
export interface SelectedVersion {
  boardId: string;
  versionId: string;
}

interface VersionSelectionState {
  selected: SelectedVersion | null;
  selectVersion: (version: SelectedVersion) => void;
}

/** Local UI state, so it is not persisted or shared; the workspace brings Versions forward. */
export const useVersionSelectionStore = create<VersionSelectionState>()((set) => ({
  selected: null,
  selectVersion: (version) => set({ selected: version }),
}));
