import type { IJsonModel } from "flexlayout-react";
import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

import { createDefaultLayout } from "./default-layout";

/**
 * localStorage key prefix; each user's layout is under `<prefix>.<login>`. Bump
 * `LAYOUT_VERSION` instead of renaming when the default layout changes.
 */
export const LAYOUT_STORAGE_KEY = "bbos.workspace.layout";
/** Persisted layouts from another version are dropped in favour of the default layout. */
const LAYOUT_VERSION = 2;

interface LayoutState {
  /** The FlexLayout model as JSON; the live `Model` is owned by the workspace component. */
  layoutJson: IJsonModel;
  /** Whose saved layout `layoutJson` is; null until one is loaded. */
  owner: string | null;
  /** Incremented whenever the workspace must rebuild its `Model` from `layoutJson`. */
  revision: number;
  saveLayout: (json: IJsonModel) => void;
  resetLayout: () => void;
}

export const useLayoutStore = create<LayoutState>()(
  persist(
    (set) => ({
      layoutJson: createDefaultLayout(),
      owner: null,
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
      // Nothing is read before `loadLayoutOf` says whose layout it is.
      skipHydration: true,
    },
  ),
);

/** Loads `login`'s saved layout (the default when there is none) and saves there from now on. */
export async function loadLayoutOf(login: string): Promise<void> {
  const store = useLayoutStore;
  if (store.getState().owner === login) return;
  const name = `${LAYOUT_STORAGE_KEY}.${login}`;
  // Renamed first: every write from here on goes to this user's key, none to the last one's.
  store.persist.setOptions({ name });
  await store.persist.rehydrate();
  // Without a saved layout, rehydrating keeps the previous user's; this user starts afresh.
  if (localStorage.getItem(name) === null) store.setState({ layoutJson: createDefaultLayout() });
  store.setState((state) => ({ owner: login, revision: state.revision + 1 }));
}
