import { create } from "zustand";

import { pointerToFieldId } from "./field-pointer";

interface FieldFocusState {
  /** The field to focus (a JSON Pointer), with a counter so asking twice focuses twice. */
  request: { pointer: string; seq: number } | null;
  focusField: (pointer: string) => void;
}

/** Another panel (Validation) asks the config editor to bring a field into view and focus. */
export const useFieldFocusStore = create<FieldFocusState>()((set, get) => ({
  request: null,
  focusField: (pointer) => set({ request: { pointer, seq: (get().request?.seq ?? 0) + 1 } }),
}));

/**
 * Focuses the form control at `pointer` inside `container`: the field itself, or for a section
 * or list, its first control. Returns false when the form shows no such field.
 */
export function focusFieldIn(container: ParentNode, pointer: string): boolean {
  const id = pointerToFieldId(pointer);
  if (id === null) return false;
  const element = container.querySelector<HTMLElement>(`[id="${CSS.escape(id)}"]`);
  const control = element?.matches("input, select, textarea, button")
    ? element
    : element?.querySelector<HTMLElement>("input, select, textarea, button");
  if (!control) return false;
  control.scrollIntoView({ block: "center" });
  control.focus();
  return true;
}
