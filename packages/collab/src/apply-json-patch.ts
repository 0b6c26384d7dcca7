import type { Operation } from "fast-json-patch";
import type * as Y from "yjs";

import { configRoot } from "./config-root.ts";
import { applyStepToY } from "./internal/apply-step-to-y.ts";
import { planJsonPatch } from "./internal/plan-json-patch.ts";
import { readConfig } from "./read-config.ts";

/**
 * Applies a JSON Patch (RFC 6902: add, remove, replace, move, copy, test; array indices and `-`
 * as the RFC defines them) to the document's config in one transaction.
 *
 * Only what the patch names is written: a `replace` of `/system/hostname` sets one key of the
 * `system` map, an `add` at `/packages/install/-` inserts one array element, so edits that
 * other peers make elsewhere at the same time merge. A `move` is a removal and an insertion of a
 * copy (Yjs has no move), and a `replace` of an object writes that whole object anew.
 *
 * All-or-nothing: the whole patch is checked against the current config (each operation against
 * the result of those before it) before anything is written, so an invalid patch or a failed
 * `test` changes nothing and emits no update. An empty patch, or one of `test`s only, emits none.
 *
 * @param origin - the transaction origin, seen by `doc.on("update")` and undo managers.
 * @throws DomainError `BAD_INPUT` for the first operation that cannot apply, with
 *   `details: { path, operationIndex, op, reason }`: `path` is the JSON Pointer at fault, and
 *   `reason` one of `INVALID_OPERATION`, `INVALID_POINTER`, `NOT_JSON`, `PATH_NOT_FOUND`,
 *   `NOT_A_CONTAINER`, `INVALID_ARRAY_INDEX`, `INDEX_OUT_OF_BOUNDS`, `MOVE_INTO_ITSELF`,
 *   `ROOT_NOT_OBJECT` (removing the root, or making it a non-object) or `TEST_FAILED`.
 */
export function applyJsonPatch(
  doc: Y.Doc,
  operations: readonly Operation[],
  origin?: unknown,
): void {
  const steps = planJsonPatch(readConfig(doc), operations);
  if (steps.length === 0) return;
  const root = configRoot(doc);
  doc.transact(() => {
    for (const step of steps) applyStepToY(root, step);
  }, origin);
}
