import type { JsonObject, JsonValue } from "@bbos/core";

import { cloneJson, findJsonAt, isJsonObject, setOwn } from "./json-value.ts";

/**
 * One primitive change that a JSON Patch operation resolves to once it has been checked:
 * `-` and `move`/`copy` are gone, array indices are numbers, and `parent` is known to be a
 * container of the right kind in the state the step applies to. A `replace` in an array is a
 * `deleteAt` then an `insert`.
 */
export type PatchStep =
  | {
      readonly op: "set";
      readonly parent: readonly string[];
      readonly key: string;
      readonly value: JsonValue;
    }
  | { readonly op: "delete"; readonly parent: readonly string[]; readonly key: string }
  | {
      readonly op: "insert";
      readonly parent: readonly string[];
      readonly index: number;
      readonly value: JsonValue;
    }
  | { readonly op: "deleteAt"; readonly parent: readonly string[]; readonly index: number }
  | { readonly op: "root"; readonly value: JsonObject };

/**
 * Applies `step` to plain JSON data, mutating it, and returns the new root (a different value
 * only for a `root` step). Inserted values are copies, so later steps never reach into a step's
 * own `value`.
 */
export function applyStepToJson(root: JsonValue, step: PatchStep): JsonValue {
  if (step.op === "root") return cloneJson(step.value);
  const parent = findJsonAt(root, step.parent);
  switch (step.op) {
    case "set":
    case "delete":
      if (!isJsonObject(parent)) throw stepMismatch(step);
      if (step.op === "set") setOwn(parent, step.key, cloneJson(step.value));
      else Reflect.deleteProperty(parent, step.key);
      break;
    case "insert":
    case "deleteAt":
      if (!Array.isArray(parent)) throw stepMismatch(step);
      if (step.op === "insert") parent.splice(step.index, 0, cloneJson(step.value));
      else parent.splice(step.index, 1);
      break;
  }
  return root;
}

/**
 * The error for a step whose parent is not what the plan saw. Planning and applying run in
 * one synchronous call, so this is a bug in this package, never bad input.
 */
export function stepMismatch(step: PatchStep): Error {
  return new Error(
    `@bbos/collab: the ${step.op} step does not fit the document it was planned for`,
  );
}
