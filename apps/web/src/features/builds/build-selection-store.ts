import { create } from "zustand";

/** The build the user is looking at; local UI state, so it is not persisted or shared. */
interface BuildSelectionState {
  selectedBuildId: string | null;
  selectBuild: (id: string) => void;
  clear: () => void;
}

export const useBuildSelectionStore = create<BuildSelectionState>()((set) => ({
  selectedBuildId: null,
  selectBuild: (id) => set({ selectedBuildId: id }),
  clear: () => set({ selectedBuildId: null }),
}));
