import type { JsonObject } from "@bbos/core";
import type * as Y from "yjs";

import { applyJsonPatch } from "./apply-json-patch.ts";
import { assertJsonObject } from "./internal/assert-json-object.ts";
import { compareJson } from "./internal/fast-json-patch.ts";
import { readConfig } from "./read-config.ts";

/**
 * Makes the document's config equal to `target` by writing only the differences (the patch
 * fast-json-patch's `compare` derives), in one transaction, so concurrent edits to fields the
 * two configs agree on survive. This is how a version is restored or a schema upgraded: the
 * document is never rebuilt. Emits no update when the config already equals `target`.
 *
 * Arrays are diffed index by index: removing the first of three elements rewrites the two
 * after it and drops the last.
 *
 * @param origin - the transaction origin, seen by `doc.on("update")` and undo managers.
 * @throws DomainError `BAD_INPUT` when `target` is not a plain JSON object; the document is
 *   then unchanged.
 */
export function setConfig(doc: Y.Doc, target: JsonObject, origin?: unknown): void {
  assertJsonObject(target);
  applyJsonPatch(doc, compareJson(readConfig(doc), target), origin);
}
