import { useState, type FormEvent, type ReactNode } from "react";

import { useBoardSelectionStore } from "../board/board-selection-store";
import { formatBytes } from "../builds/build-format";
import { BoardPicker } from "./board-picker";
import {
  useCreateBoard,
  useCreateProject,
  useImportBoard,
  useRenameBoard,
  type CreatedBoard,
} from "./explorer-operations";
import { useUploadProjectFile } from "./project-file-operations";

/** A small inline form: its fields, then the submit and Cancel buttons, and its error. */
function InlineForm({
  label,
  submit,
  busy,
  error,
  onSubmit,
  onCancel,
  children,
}: {
  label: string;
  submit: string;
  busy: boolean;
  error?: string | null;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <form
      className="inline-form"
      aria-label={label}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
      {error && (
        <p className="inline-form__error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button--primary" disabled={busy}>
          {submit}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function NameInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="inline-form__field">
      <span>{label}</span>
      <input
        type="text"
        required
        maxLength={100}
        value={value}
        // The form opens on the user's request, so moving focus into it is expected.
        autoFocus
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

export function NewProjectForm({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState("");
  const create = useCreateProject();
  return (
    <InlineForm
      label="New project"
      submit="Create project"
      busy={create.isPending}
      onCancel={onDone}
      onSubmit={() => create.mutate(name, { onSuccess: onDone })}
    >
      <NameInput label="Project name" value={name} onChange={setName} />
    </InlineForm>
  );
}

export function NewBoardForm({
  projectId,
  onCancel,
  onCreated,
}: {
  projectId: string;
  onCancel: () => void;
  onCreated: (board: CreatedBoard) => void;
}) {
  const [name, setName] = useState("");
  const [hardware, setHardware] = useState<string | null>(null);
  const [missingHardware, setMissingHardware] = useState(false);
  const create = useCreateBoard();
  return (
    <InlineForm
      label="New board"
      submit="Create board"
      busy={create.isPending}
      error={missingHardware ? "Choose the hardware the board is for." : null}
      onCancel={onCancel}
      onSubmit={() => {
        if (hardware === null) {
          setMissingHardware(true);
          return;
        }
        create.mutate({ projectId, name, catalogueBoardId: hardware }, { onSuccess: onCreated });
      }}
    >
      <NameInput label="Board name" value={name} onChange={setName} />
      <BoardPicker
        value={hardware}
        onChange={(id) => {
          setHardware(id);
          setMissingHardware(false);
        }}
      />
    </InlineForm>
  );
}

/** Files larger than the server accepts are refused here, before they are read. */
const MAX_IMPORT_BYTES = 1024 * 1024;

export function ImportBoardForm({
  projectId,
  onCancel,
  onCreated,
}: {
  projectId: string;
  onCancel: () => void;
  onCreated: (board: CreatedBoard) => void;
}) {
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const importBoard = useImportBoard();
  return (
    <InlineForm
      label="Import a board"
      submit="Import"
      busy={importBoard.isPending}
      error={problem}
      onCancel={onCancel}
      onSubmit={() => {
        if (!file) return setProblem("Choose a config file (JSON, as “Export” saves it).");
        if (file.size > MAX_IMPORT_BYTES) {
          return setProblem("The file is larger than 1 MiB, the most a config may be.");
        }
        setProblem(null);
        void file
          .text()
          .then((configJson) => importBoard.mutateAsync({ projectId, name, configJson }))
          .then(onCreated, (error: Error) => setProblem(error.message));
      }}
    >
      <NameInput label="Board name" value={name} onChange={setName} />
      <label className="inline-form__field">
        <span>Config file</span>
        <input
          type="file"
          accept="application/json,.json"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </label>
    </InlineForm>
  );
}

export function RenameBoardForm({ board, onDone }: { board: CreatedBoard; onDone: () => void }) {
  const [name, setName] = useState(board.name);
  const rename = useRenameBoard();
  const selected = useBoardSelectionStore((state) => state.selected);
  const selectBoard = useBoardSelectionStore((state) => state.selectBoard);
  return (
    <InlineForm
      label={`Rename ${board.name}`}
      submit="Rename"
      busy={rename.isPending}
      onCancel={onDone}
      onSubmit={() =>
        rename.mutate(
          { boardId: board.id, name },
          {
            onSuccess: (renamed) => {
              if (selected?.boardId === board.id) {
                selectBoard({ ...selected, boardName: renamed.name });
              }
              onDone();
            },
          },
        )
      }
    >
      <NameInput label="New name" value={name} onChange={setName} />
    </InlineForm>
  );
}

/**
 * Where a chosen file goes in the project: its path there (the file's name until edited), then
 * the upload. The form stays while the upload runs, saying so, and closes once it is stored.
 */
export function UploadFileForm({
  projectId,
  file,
  onDone,
}: {
  projectId: string;
  file: File;
  onDone: () => void;
}) {
  const [path, setPath] = useState(file.name);
  const upload = useUploadProjectFile(projectId);
  return (
    <InlineForm
      label={`Upload ${file.name}`}
      submit={upload.isPending ? "Uploading…" : "Upload"}
      busy={upload.isPending}
      onCancel={onDone}
      onSubmit={() => upload.mutate({ path, file }, { onSuccess: onDone })}
    >
      <p className="muted">{`${file.name} · ${formatBytes(file.size)}`}</p>
      <label className="inline-form__field">
        <span>Path in project</span>
        <input
          type="text"
          required
          value={path}
          autoFocus
          onChange={(event) => setPath(event.target.value)}
        />
      </label>
      {upload.isPending && (
        <p className="muted" role="status">
          {`Uploading ${path}…`}
        </p>
      )}
    </InlineForm>
  );
}
