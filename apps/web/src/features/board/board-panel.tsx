import type { RJSFSchema } from "@rjsf/utils";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";

import { useBoardValidation } from "../validation/board-validation";
import { issuesToErrorSchema } from "../validation/issue-errors";
import { BoardActions } from "./board-actions";
import { BoardConfigForm } from "./board-config-form";
import { BoardPresence } from "./board-presence";
import { boardSchemaQueryOptions } from "./board-schema-operations";
import { useBoardSelectionStore, type SelectedBoard } from "./board-selection-store";
import { editorsByField, useCollaborators } from "./collaborators";
import { focusFieldIn, useFieldFocusStore } from "./field-focus-store";
import { fieldIdToPointer, pointerToFieldId } from "./field-pointer";
import {
  useBoardDocument,
  type BoardDocument,
  type CreateBoardProvider,
} from "./use-board-document";

export interface BoardPanelProps {
  /** How the board's document connects; tests pass providers that never dial. */
  createProvider?: CreateBoardProvider;
}

/** Main editing area: the selected board's configuration form. */
export function BoardPanel({ createProvider }: BoardPanelProps = {}) {
  const selected = useBoardSelectionStore((state) => state.selected);

  if (!selected) {
    return (
      <section className="panel panel--centered" aria-label="Board">
        <p className="muted">Open a board from the Explorer to start editing.</p>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Board">
      <BoardEditor key={selected.boardId} board={selected} createProvider={createProvider} />
    </section>
  );
}

/** The form bound both ways to the board's shared document, with who else is on the board. */
function BoardEditor({
  board,
  createProvider,
}: {
  board: SelectedBoard;
  createProvider: CreateBoardProvider | undefined;
}) {
  const schema = useQuery(boardSchemaQueryOptions(board.schemaId));
  const shared = useBoardDocument(board.boardId, createProvider);
  const collaborators = useCollaborators(shared.awareness);
  const fieldEditors = useMemo(
    () => editorsByField(collaborators, pointerToFieldId),
    [collaborators],
  );
  const verdict = useBoardValidation(board.boardId);
  const serverErrors = useMemo(
    () => issuesToErrorSchema(verdict.data?.issues ?? []),
    [verdict.data],
  );
  const formArea = useRef<HTMLDivElement>(null);
  const focusRequest = useFieldFocusStore((state) => state.request);
  // A request waits for the form: the Explorer may have just opened this board for it.
  const formShown = schema.isSuccess && shared.loaded;
  useEffect(() => {
    // Another panel asked for this field; the workspace shows this tab meanwhile, so the field
    // is focusable from the next frame.
    if (!focusRequest || !formShown) return;
    const frame = requestAnimationFrame(() => {
      if (formArea.current) focusFieldIn(formArea.current, focusRequest.pointer);
      useFieldFocusStore.getState().settle(focusRequest.seq);
    });
    return () => cancelAnimationFrame(frame);
  }, [focusRequest, formShown]);

  return (
    <>
      {/* Stays in view while the form scrolls: who is here, and whether edits get through. */}
      <div className="board-editor__top">
        <header className="board-header">
          <div>
            <h2 className="panel__title">{board.boardName}</h2>
            <p className="muted board-header__meta">
              Project {board.projectName} · schema <code>{board.schemaId}</code>
            </p>
          </div>
          <BoardPresence collaborators={collaborators} />
        </header>
        {shared.loaded && <ConnectionLine shared={shared} />}
        <BoardActions
          boardId={board.boardId}
          valid={verdict.data?.valid ?? null}
          readOnly={shared.readOnlyReason !== null || !shared.loaded}
          history={shared}
        />
        {shared.readOnlyReason !== null && (
          <p className="board-readonly" role="note">
            {capitalise(shared.readOnlyReason)}
          </p>
        )}
      </div>
      <div ref={formArea}>
        {schema.isPending ? (
          <p className="muted">Loading form…</p>
        ) : schema.isError ? (
          <p role="alert">Could not load the form: {schema.error.message}</p>
        ) : !shared.loaded ? (
          // Until the first sync the document is blank: a form on it would show (and could
          // write) defaults instead of the board.
          <p className="muted" role="status">
            {connectionLabel(shared).label}
          </p>
        ) : (
          <BoardConfigForm
            boardId={board.boardId}
            projectId={board.projectId}
            schema={schema.data.jsonSchema}
            uiSchema={schema.data.uiSchema}
            config={shared.config}
            onChange={shared.change}
            disabled={shared.readOnlyReason !== null}
            onFocusField={(id) => setFocusedField(shared, schema.data.jsonSchema, id)}
            onBlurField={() => shared.awareness?.setLocalStateField("field", null)}
            fieldEditors={fieldEditors}
            serverErrors={serverErrors}
          />
        )}
      </div>
    </>
  );
}

/** Presence: the JSON Pointer of the field this user is in, for the others' forms to mark. */
function setFocusedField(shared: BoardDocument, schema: RJSFSchema, id: string): void {
  shared.awareness?.setLocalStateField("field", fieldIdToPointer(id, schema));
}

/** Once loaded, one line: Live, Reconnecting… or Offline, plus what the server said about edits. */
function ConnectionLine({ shared }: { shared: BoardDocument }) {
  const { label, tone } = connectionLabel(shared);
  return (
    <p className="board-connection" role="status" aria-label="Connection">
      <span className={`board-connection__state board-connection__state--${tone}`}>{label}</span>
      {shared.notice !== null && <span> · {capitalise(shared.notice)}</span>}
    </p>
  );
}

/** What the status line says about the connection; exported for its tests. */
export function connectionLabel(
  shared: Pick<BoardDocument, "status" | "synced" | "loaded" | "closedReason">,
): { label: string; tone: "good" | "busy" | "bad" } {
  if (shared.closedReason !== null) {
    return { label: `Disconnected: ${shared.closedReason}`, tone: "bad" };
  }
  if (shared.status === "connected" && shared.synced) return { label: "Live", tone: "good" };
  if (shared.status === "disconnected") {
    return { label: shared.loaded ? "Offline (edits kept)" : "Offline", tone: "bad" };
  }
  return { label: shared.loaded ? "Reconnecting…" : "Connecting…", tone: "busy" };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
