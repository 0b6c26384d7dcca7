import type { IJsonModel } from "flexlayout-react";
import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

import { createDefaultLayout } from "./default-layout";

/** localStorage key; bump `LAYOUT_VERSION` instead of renaming when the default layout changes. */
export const LAYOUT_STORAGE_KEY = "bbos.workspace.layout";
/** Persisted layouts from another version are dropped in favour of the default layout. */
const LAYOUT_VERSION = 1;

interface LayoutState {
  /** The FlexLayout model as JSON; the live `Model` is owned by the workspace component. */
  layoutJson: IJsonModel;
  /** Incremented by `resetLayout` so the workspace rebuilds its `Model` from `layoutJson`. */
  revision: number;
  saveLayout: (json: IJsonModel) => void;
  resetLayout: () => void;
}

export const useLayoutStore = create<LayoutState>()(
  persist(
    (set) => ({
      layoutJson: createDefaultLayout(),
      revision: 0,
      // Saving does not bump `revision`: the change came from the live model itself.
      saveLayout: (json) => set({ layoutJson: json }),
      resetLayout: () =>
        set((state) => ({ layoutJson: createDefaultLayout(), revision: state.revision + 1 })),
    }),
    {
      name: LAYOUT_STORAGE_KEY,
      version: LAYOUT_VERSION,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) => ({ layoutJson: state.layoutJson }),
      // Without a migration, an old layout could reference panels that no longer exist.
      migrate: () => ({ layoutJson: createDefaultLayout() }),
    },
  ),
);
