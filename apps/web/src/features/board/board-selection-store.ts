import { create } from "zustand";

/** The board the user is looking at; local UI state, so it is not persisted or shared. */
export interface SelectedBoard {
  projectId: string;
  projectName: string;
  boardId: string;
  boardName: string;
  /** The board-config schema the board's document is written against. */
  schemaId: string;
}

interface BoardSelectionState {
  selected: SelectedBoard | null;
  selectBoard: (board: SelectedBoard) => void;
  clearSelection: () => void;
}

export const useBoardSelectionStore = create<BoardSelectionState>()((set) => ({
  selected: null,
  selectBoard: (board) => set({ selected: board }),
  clearSelection: () => set({ selected: null }),
}));
