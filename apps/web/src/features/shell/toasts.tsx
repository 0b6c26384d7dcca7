import { useToastStore } from "../../lib/toast-store";

/** The toasts, newest last; errors are announced at once, information politely. */
export function Toasts() {
  const toasts = useToastStore((state) => state.toasts);
  const dismiss = useToastStore((state) => state.dismiss);
  return (
    <ol className="toasts" aria-label="Notifications">
      {toasts.map((toast) => (
        <li
          key={toast.id}
          className={`toast toast--${toast.tone}`}
          role={toast.tone === "error" ? "alert" : "status"}
        >
          <span>{toast.message}</span>
          <button type="button" onClick={() => dismiss(toast.id)} aria-label="Dismiss">
            ×
          </button>
        </li>
      ))}
    </ol>
  );
}
