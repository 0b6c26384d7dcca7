import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { buildRecipesQueryOptions } from "../builds/build-operations";
import { useSaveVersion, useStartBuild } from "../versions/version-operations";
import type { BoardDocument } from "./use-board-document";

export interface BoardActionsProps {
  boardId: string;
  /** The server's verdict: null while unknown. Both actions need a valid config. */
  valid: boolean | null;
  /** Saving and building need edit rights; a read-only board has neither button enabled. */
  readOnly: boolean;
  /** The recipe the config names (`build.recipe`), preselected when the workers have it. */
  configRecipe: string | undefined;
  /** This user's own edits, from the board's document. */
  history: Pick<BoardDocument, "canUndo" | "canRedo" | "undo" | "redo">;
}

/**
 * Undo and redo of the user's own edits; save the config as a version (with a message), or
 * save and build it in one go.
 */
export function BoardActions({
  boardId,
  valid,
  readOnly,
  configRecipe,
  history,
}: BoardActionsProps) {
  const [message, setMessage] = useState("");
  const recipes = useQuery(buildRecipesQueryOptions());
  const [chosenRecipe, setChosenRecipe] = useState<string | null>(null);
  const recipe =
    chosenRecipe ??
    recipes.data?.find((candidate) => candidate.id === configRecipe)?.id ??
    recipes.data?.[0]?.id;
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
      <select
        aria-label="Recipe"
        value={recipe ?? ""}
        onChange={(event) => setChosenRecipe(event.target.value)}
      >
        {recipes.data?.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.title}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button--primary"
        disabled={blocked || recipe === undefined}
        title={why}
        onClick={() => {
          void saveVersion()
            .then((version) => build.mutateAsync({ versionId: version.id, recipe }))
            .catch(() => undefined);
        }}
      >
        Build
      </button>
    </form>
  );
}
