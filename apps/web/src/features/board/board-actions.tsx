import { useState } from "react";

import { useSaveVersion, useStartBuild } from "../versions/version-operations";
import type { BoardDocument } from "./use-board-document";

export interface BoardActionsProps {
  boardId: string;
  /** The server's verdict: null while unknown. Both actions need a valid config. */
  valid: boolean | null;
  /** Saving and building need edit rights; a read-only board has neither button enabled. */
  readOnly: boolean;
  /** This user's own edits, from the board's document. */
  history: Pick<BoardDocument, "canUndo" | "canRedo" | "undo" | "redo">;
}

/**
 * Undo and redo of the user's own edits; save the config as a version (with a message), or
 * save and build it in one go with the recipe the config names (`build.recipe`, chosen in the
 * form).
 */
export function BoardActions({ boardId, valid, readOnly, history }: BoardActionsProps) {
  const [message, setMessage] = useState("");
  const save = useSaveVersion(boardId);
  const build = useStartBuild();
  const busy = save.isPending || build.isPending;
  const blocked = readOnly || valid !== true || busy;
  const why = readOnly
    ? "You cannot change this board."
    : valid === false
      ? "Fix the errors first."
      : undefined;

  const saveVersion = async () => {
    const version = await save.mutateAsync(message);
    setMessage("");
    return version;
  };

  return (
    <form
      className="board-actions"
      aria-label="Board actions"
      onSubmit={(event) => {
        event.preventDefault();
        void saveVersion().catch(() => undefined);
      }}
    >
      <button
        type="button"
        disabled={readOnly || !history.canUndo}
        onClick={history.undo}
        title="Undo your last edit (others' edits stay)"
      >
        Undo
      </button>
      <button
        type="button"
        disabled={readOnly || !history.canRedo}
        onClick={history.redo}
        title="Redo your edit"
      >
        Redo
      </button>
      <input
        type="text"
        aria-label="Version message"
        placeholder="What changed (optional)"
        maxLength={500}
        value={message}
        onChange={(event) => setMessage(event.target.value)}
      />
      <button type="submit" disabled={blocked} title={why}>
        Save version
      </button>
      <button
        type="button"
        className="button--primary"
        disabled={blocked}
        title={why}
        onClick={() => {
          void saveVersion()
            .then((version) => build.mutateAsync({ versionId: version.id }))
            .catch(() => undefined);
        }}
      >
        Build
      </button>
    </form>
  );
}
