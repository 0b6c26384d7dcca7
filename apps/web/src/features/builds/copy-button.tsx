import { useEffect, useState } from "react";

/** How long "Copied" shows before the button reads "Copy" again. */
const CONFIRMATION_MS = 2_000;

/** Copies `text` to the clipboard and says whether that worked; `label` names what is copied. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (outcome === "idle") return;
    const timer = setTimeout(() => setOutcome("idle"), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [outcome]);

  const copy = () => {
    // The clipboard API is missing on plain-HTTP origins; that rejects here like a refusal.
    Promise.resolve()
      .then(() => navigator.clipboard.writeText(text))
      .then(
        () => setOutcome("copied"),
        () => setOutcome("failed"),
      );
  };

  return (
    <button type="button" className="copy-button" onClick={copy} aria-label={label}>
      <span aria-live="polite">
        {outcome === "copied" ? "Copied" : outcome === "failed" ? "Copy failed" : "Copy"}
      </span>
    </button>
  );
}
