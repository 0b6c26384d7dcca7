import type { JsonValue } from "@bbos/core";
import * as Y from "yjs";

import { configRoot } from "./config-root.ts";
import { pointerToFieldPath } from "./field-path.ts";
import { isArrayIndexToken } from "./internal/json-pointer.ts";
import { findJsonAt } from "./internal/json-value.ts";
import { fromYValue, isYContainer } from "./internal/y-value.ts";

/**
 * The JSON value at `pointer` (RFC 6901) in the document's config, or `undefined` when nothing
 * is there. Walks the Yjs structure instead of reading the whole config; the value is the same
 * {@link readConfig} has at that pointer. `""` is the whole config; `-` finds nothing.
 *
 * @throws DomainError `BAD_INPUT` when `pointer` is not a JSON Pointer.
 */
export function readConfigAt(doc: Y.Doc, pointer: string): JsonValue | undefined {
  const tokens = pointerToFieldPath(pointer);
  let current: unknown = configRoot(doc);
  for (const [depth, token] of tokens.entries()) {
    if (current instanceof Y.Map) {
      if (!current.has(token)) return undefined;
      current = current.get(token);
    } else if (current instanceof Y.Array) {
      if (!isArrayIndexToken(token) || Number(token) >= current.length) return undefined;
      const item: unknown = current.get(Number(token));
      // Array elements JSON cannot represent read as null, as in readConfig.
      current = isYContainer(item) ? item : (fromYValue(item) ?? null);
    } else {
      // A plain value: from here on, the JSON it reads as.
      const json = fromYValue(current);
      return json === undefined ? undefined : findJsonAt(json, tokens.slice(depth));
    }
  }
  return fromYValue(current);
}
