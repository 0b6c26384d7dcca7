import { create } from "zustand";

import { pointerToFieldId } from "./field-pointer";

interface FieldFocusState {
  /**
   * The field to focus (a JSON Pointer), with a counter so asking twice focuses twice; null
   * once the editor has handled it.
   */
  request: { pointer: string; seq: number } | null;
  /** The last request's counter, kept after it is handled. */
  seq: number;
  focusField: (pointer: string) => void;
  /** The editor tried request `seq`: it is not tried again, not even by the next board's form. */
  settle: (seq: number) => void;
}

/**
 * Another panel (Validation, the Explorer) asks the config editor to bring a field into view and
 * focus it. The request waits until the editor's form is shown: when the Explorer opens another
 * board for it, that board has to load first.
 */
export const useFieldFocusStore = create<FieldFocusState>()((set, get) => ({
  request: null,
  seq: 0,
  focusField: (pointer) => {
    const seq = get().seq + 1;
    set({ request: { pointer, seq }, seq });
  },
  settle: (seq) => {
    if (get().request?.seq === seq) set({ request: null });
  },
}));

/**
 * Focuses the form control at `pointer` inside `container`: the field itself, or for a section
 * or list, its first control. Returns false when the form shows no such field.
 */
export function focusFieldIn(container: ParentNode, pointer: string): boolean {
  const id = pointerToFieldId(pointer);
  if (id === null) return false;
  // Compared, not put into a selector: ids come from the config's keys, which may hold anything.
  const element = Array.from(container.querySelectorAll<HTMLElement>("[id]")).find(
    (candidate) => candidate.id === id,
  );
  const control = element?.matches("input, select, textarea, button")
    ? element
    : element?.querySelector<HTMLElement>("input, select, textarea, button");
  if (!control) return false;
  control.scrollIntoView({ block: "center" });
  control.focus();
  return true;
}
