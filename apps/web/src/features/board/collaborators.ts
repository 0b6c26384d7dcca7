import { useMemo, useSyncExternalStore } from "react";

import type { BoardAwareness } from "./use-board-document";

/** Someone else with the board open: one per client (a user with two tabs appears twice). */
export interface Collaborator {
  /** The Yjs client id of their connection, unique on the board. */
  clientId: number;
  /** The signed-in user's login, as the server stamped it. */
  login: string;
  /** A CSS colour for the user, the same on every client (`#rrggbb`). */
  color: string;
  /** The JSON Pointer of the form field they are editing, or null. */
  field: string | null;
  /**
   * True for a state that reached this tab without the server's stamp: only another tab of
   * this browser (BroadcastChannel) sends those, so it is the same signed-in user.
   */
  sameBrowser: boolean;
}

const HEX_COLOR = /^#[0-9a-f]{6}$/i;
const SAME_BROWSER_COLOR = "#6b7480";

/**
 * The other clients on the board, from the awareness states (`user` replaced by the server with
 * the signed-in identity; `field` a JSON Pointer or null), in client-id order so the avatars do
 * not jump around. States that are not objects are skipped; the own client is left out.
 */
export function collaboratorsFrom(
  states: ReadonlyMap<number, unknown>,
  ownClientId: number,
): Collaborator[] {
  const collaborators: Collaborator[] = [];
  for (const [clientId, state] of states) {
    if (clientId === ownClientId || typeof state !== "object" || state === null) continue;
    const { user, field } = state as { user?: unknown; field?: unknown };
    const stamped =
      typeof user === "object" && user !== null ? (user as Record<string, unknown>) : null;
    const login = typeof stamped?.login === "string" && stamped.login !== "" ? stamped.login : null;
    const color =
      typeof stamped?.color === "string" && HEX_COLOR.test(stamped.color) ? stamped.color : null;
    collaborators.push({
      clientId,
      login: login ?? "you",
      color: color ?? SAME_BROWSER_COLOR,
      field: typeof field === "string" ? field : null,
      sameBrowser: login === null,
    });
  }
  return collaborators.sort((a, b) => a.clientId - b.clientId);
}

/** Who else edits which field: the field ids (`root_system_hostname`) mapped to their editors. */
export function editorsByField(
  collaborators: readonly Collaborator[],
  toFieldId: (pointer: string) => string | null,
): Map<string, Collaborator[]> {
  const byField = new Map<string, Collaborator[]>();
  for (const collaborator of collaborators) {
    if (collaborator.field === null) continue;
    const id = toFieldId(collaborator.field);
    if (id === null) continue;
    byField.set(id, [...(byField.get(id) ?? []), collaborator]);
  }
  return byField;
}

const NOBODY: Collaborator[] = [];

/** The board's other clients, updated whenever an awareness state changes. */
export function useCollaborators(awareness: BoardAwareness | null): Collaborator[] {
  const store = useMemo(() => createCollaboratorStore(awareness), [awareness]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

function createCollaboratorStore(awareness: BoardAwareness | null) {
  // useSyncExternalStore needs the same array until something changed.
  let snapshot: Collaborator[] | null = null;
  return {
    subscribe: (listener: () => void): (() => void) => {
      if (!awareness) return () => undefined;
      const onChange = () => {
        snapshot = null;
        listener();
      };
      awareness.on("change", onChange);
      return () => awareness.off("change", onChange);
    },
    getSnapshot: (): Collaborator[] => {
      if (!awareness) return NOBODY;
      snapshot ??= collaboratorsFrom(awareness.getStates(), awareness.clientID);
      return snapshot;
    },
  };
}
