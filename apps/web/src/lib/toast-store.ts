import { create } from "zustand";

/** A message shown briefly in the corner: the outcome of something the user asked for. */
export interface Toast {
  id: number;
  tone: "error" | "info";
  message: string;
}

interface ToastState {
  toasts: Toast[];
  show: (tone: Toast["tone"], message: string) => void;
  dismiss: (id: number) => void;
}

/** How long a toast stays; errors stay until dismissed, so nobody misses one. */
const INFO_TOAST_MS = 5_000;

let nextId = 1;

export const useToastStore = create<ToastState>()((set, get) => ({
  toasts: [],
  show: (tone, message) => {
    const id = nextId++;
    set({ toasts: [...get().toasts, { id, tone, message }] });
    if (tone === "info") setTimeout(() => get().dismiss(id), INFO_TOAST_MS);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((toast) => toast.id !== id) }),
}));
