import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { BoardConfigForm } from "./board-config-form";
import { boardSchemaQueryOptions } from "./board-schema-operations";
import { useBoardSelectionStore, type SelectedBoard } from "./board-selection-store";

/** Main editing area: the selected board's configuration form. */
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
        Project {selected.projectName} · schema <code>{selected.schemaId}</code>
      </p>
      <BoardEditor key={selected.boardId} board={selected} />
    </section>
  );
}

function BoardEditor({ board }: { board: SelectedBoard }) {
  const schema = useQuery(boardSchemaQueryOptions(board.schemaId));
  // A local draft until the form is bound to the board's shared document.
  const [config, setConfig] = useState<Record<string, unknown>>({});

  if (schema.isPending) return <p className="muted">Loading form…</p>;
  if (schema.isError) return <p role="alert">Could not load the form: {schema.error.message}</p>;
  return (
    <BoardConfigForm
      schema={schema.data.jsonSchema}
      uiSchema={schema.data.uiSchema}
      config={config}
      onChange={setConfig}
    />
  );
}
