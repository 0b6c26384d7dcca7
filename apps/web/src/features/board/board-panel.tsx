import { useBoardSelectionStore } from "./board-selection-store";

/** Main editing area. The RJSF form over the shared Yjs document lands here next. */
export function BoardPanel() {
  const selected = useBoardSelectionStore((state) => state.selected);

  if (!selected) {
    return (
      <section className="panel panel--centered" aria-label="Board">
        <p className="muted">Select a board in Projects to start editing.</p>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Board">
      <h2 className="panel__title">{selected.boardName}</h2>
      <p className="muted">
        Project {selected.projectName} · board <code>{selected.boardId}</code>
      </p>
    </section>
  );
}
