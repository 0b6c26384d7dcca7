import type { JsonValue } from "@bbos/core";

import { isArrayIndexToken, parseJsonPointer } from "./internal/json-pointer.ts";
import { cloneJson, findJsonAt, isJsonObject, jsonEqual } from "./internal/json-value.ts";
import { compareJson } from "./internal/fast-json-patch.ts";

/**
 * One difference between two configs, at a JSON Pointer `path` that names the same place in
 * both. Values are copies. A value that changes kind (object ↔ array ↔ scalar) is one
 * `changed` entry at its path; below two objects or two arrays, the entries are per member.
 */
export type ConfigChange =
  | { kind: "added"; path: string; newValue: JsonValue }
  | { kind: "removed"; path: string; oldValue: JsonValue }
  | { kind: "changed"; path: string; oldValue: JsonValue; newValue: JsonValue };

/**
 * The differences from `a` to `b`, sorted by path segment by segment (array indices in numeric
 * order, `/packages/install/2` before `/packages/install/10`; a parent before its members), so
 * the result does not depend on key order. Arrays are compared index by index: an element
 * inserted at the front shows as changes to every element after it plus one `added` at the end.
 */
export function diffConfigs(a: JsonValue, b: JsonValue): ConfigChange[] {
  const bothObjects = isJsonObject(a) && isJsonObject(b);
  if (!bothObjects && !(Array.isArray(a) && Array.isArray(b))) {
    // compare handles two objects or two arrays only; anything else changes (or not) as a whole.
    if (jsonEqual(a, b)) return [];
    return [{ kind: "changed", path: "", oldValue: cloneJson(a), newValue: cloneJson(b) }];
  }
  const changes = compareJson(a, b).map((operation): ConfigChange => {
    const { path } = operation;
    const tokens = parseJsonPointer(path) ?? [];
    const oldValue = () => cloneJson(findJsonAt(a, tokens) as JsonValue);
    const newValue = () => cloneJson(findJsonAt(b, tokens) as JsonValue);
    switch (operation.op) {
      case "add":
        return { kind: "added", path, newValue: newValue() };
      case "remove":
        return { kind: "removed", path, oldValue: oldValue() };
      case "replace":
        return { kind: "changed", path, oldValue: oldValue(), newValue: newValue() };
      case "move":
      case "copy":
      case "test":
      case "_get":
        // compare emits only add, remove and replace (and test when asked to be invertible).
        throw new Error(`@bbos/collab: unexpected "${operation.op}" from compare`);
    }
  });
  return changes.sort((x, y) => comparePointers(x.path, y.path));
}

/** Orders pointers by their segments: numerically where both are array indices, else by code unit. */
function comparePointers(x: string, y: string): number {
  const xs = parseJsonPointer(x) ?? [];
  const ys = parseJsonPointer(y) ?? [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const p = xs[i] as string;
    const q = ys[i] as string;
    if (p === q) continue;
    if (isArrayIndexToken(p) && isArrayIndexToken(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return xs.length - ys.length;
}
