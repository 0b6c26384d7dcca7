import type { JsonObject } from "@bbos/core";
import type * as Y from "yjs";

import { configRoot } from "./config-root.ts";
import { assertJsonObject } from "./internal/assert-json-object.ts";
import { toYValue } from "./internal/y-value.ts";

/**
 * Replaces everything under the document's root map with `config`, as nested `Y.Map` /
 * `Y.Array` / plain values, in one transaction (one update). Builds a new board's first state;
 * to change an existing document use {@link setConfig}, which writes only the differences and so
 * keeps concurrent edits.
 *
 * @param origin - the transaction origin, seen by `doc.on("update")` and undo managers.
 * @throws DomainError `BAD_INPUT` when `config` holds something JSON cannot represent; the
 *   document is then unchanged.
 */
export function writeConfig(doc: Y.Doc, config: JsonObject, origin?: unknown): void {
  assertJsonObject(config);
  const root = configRoot(doc);
  doc.transact(() => {
    root.clear();
    for (const [key, value] of Object.entries(config)) root.set(key, toYValue(value));
  }, origin);
}
