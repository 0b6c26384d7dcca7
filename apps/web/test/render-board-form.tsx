import type { UiSchema } from "@rjsf/utils";
import { useState } from "react";

import { boardConfigSchemas, type BoardConfigSchemaId } from "@bbos/schemas";

import { BoardConfigForm } from "../src/features/board/board-config-form";
import { renderWithQuery, type RenderWithQueryOptions } from "./render-with-query";

export interface RenderBoardFormOptions extends RenderWithQueryOptions {
  /** @defaultValue "board-config/3" */
  schemaId?: BoardConfigSchemaId;
  serverErrors?: Parameters<typeof BoardConfigForm>[0]["serverErrors"];
}

/**
 * The config form of board b1 (project p1) over `initial`, keeping each edit as its config the
 * way the editor does; `latest.config` is the last edit.
 */
export function renderBoardForm(
  initial: Record<string, unknown>,
  { schemaId = "board-config/3", serverErrors, seed }: RenderBoardFormOptions = {},
) {
  const { schema, uiSchema } = boardConfigSchemas[schemaId];
  const latest = { config: initial };
  function Harness() {
    const [config, setConfig] = useState(initial);
    return (
      <BoardConfigForm
        boardId="b1"
        projectId="p1"
        schema={schema}
        uiSchema={uiSchema as UiSchema}
        config={config}
        onChange={(next) => {
          latest.config = next;
          setConfig(next);
        }}
        serverErrors={serverErrors}
      />
    );
  }
  const view = renderWithQuery(<Harness />, seed ? { seed } : {});
  return { ...view, latest };
}
