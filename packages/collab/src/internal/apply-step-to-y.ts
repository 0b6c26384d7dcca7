import type { JsonValue } from "@bbos/core";
import * as Y from "yjs";

import { isArrayIndexToken } from "./json-pointer.ts";
import { applyStepToJson, stepMismatch, type PatchStep } from "./patch-step.ts";
import { fromYValue, isYContainer, toYValue, type YContainer } from "./y-value.ts";

/**
 * Applies one planned step to the document's Yjs structure, touching only the map key or
 * array element it names, so concurrent edits elsewhere in the tree survive the merge. Call
 * inside a transaction, with steps planned against this document's current JSON.
 */
export function applyStepToY(root: Y.Map<unknown>, step: PatchStep): void {
  if (step.op === "root") {
    root.clear();
    for (const [key, value] of Object.entries(step.value)) root.set(key, toYValue(value));
    return;
  }
  let container: YContainer = root;
  for (const [depth, token] of step.parent.entries()) {
    const child = childOf(container, token);
    if (isYContainer(child)) {
      container = child;
      continue;
    }
    // An object or array stored as one plain value (written without these helpers): apply the
    // rest of the step to a copy and store that as Y types, which makes it fine-grained from now on.
    const rest: PatchStep = { ...step, parent: step.parent.slice(depth + 1) };
    putChild(container, token, toYValue(applyStepToJson(fromYValue(child) as JsonValue, rest)));
    return;
  }
  switch (step.op) {
    case "set":
    case "delete":
      if (!isMap(container)) throw stepMismatch(step);
      if (step.op === "set") container.set(step.key, toYValue(step.value));
      else container.delete(step.key);
      return;
    case "insert":
    case "deleteAt":
      if (isMap(container)) throw stepMismatch(step);
      if (step.op === "insert") container.insert(step.index, [toYValue(step.value)]);
      else container.delete(step.index, 1);
      return;
  }
}

function isMap(container: YContainer): container is Y.Map<unknown> {
  return container instanceof Y.Map;
}

/** The member `token` of a Yjs container (the planner has checked it exists). */
function childOf(container: YContainer, token: string): unknown {
  if (isMap(container)) return container.get(token);
  if (!isArrayIndexToken(token)) throw new Error(`@bbos/collab: "${token}" is not an array index`);
  return container.get(Number(token));
}

/** Replaces the member `token` of a Yjs container with `value`. */
function putChild(container: YContainer, token: string, value: unknown): void {
  if (isMap(container)) {
    container.set(token, value);
    return;
  }
  const index = Number(token);
  container.delete(index, 1);
  container.insert(index, [value]);
}
