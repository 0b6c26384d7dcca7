import type { JsonObject, JsonValue } from "@bbos/core";
import * as Y from "yjs";

import { isJsonObject } from "./json-value.ts";

/**
 * The Yjs form of JSON data: objects become `Y.Map`, arrays `Y.Array`, and everything else
 * stays a plain value (strings are not `Y.Text`: a config string is replaced whole, never
 * merged character by character). The result is a preliminary type, integrated on insert.
 */
export function toYValue(value: JsonValue): unknown {
  if (Array.isArray(value)) {
    const array = new Y.Array<unknown>();
    array.push(value.map(toYValue));
    return array;
  }
  if (isJsonObject(value)) {
    return new Y.Map(Object.entries(value).map(([key, child]) => [key, toYValue(child)] as const));
  }
  return value;
}

/** The JSON object a `Y.Map` holds, dropping entries JSON cannot represent. */
export function yMapToJson(map: Y.Map<unknown>): JsonObject {
  const entries: [string, JsonValue][] = [];
  for (const [key, child] of map.entries()) {
    const value = fromYValue(child);
    if (value !== undefined) entries.push([key, value]);
  }
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return Object.fromEntries(entries);
}

/**
 * The plain JSON form of a value read from a Yjs document, or `undefined` when JSON cannot
 * represent it. Besides what {@link toYValue} writes, it reads what other writers may have put
 * there: plain objects and arrays stored as one value, and `Y.Text` (as its string). Like
 * `JSON.stringify`, callers drop an unrepresentable value from an object and turn it into
 * `null` inside an array, so array indices stay aligned with the document.
 */
export function fromYValue(value: unknown): JsonValue | undefined {
  if (value instanceof Y.Map) return yMapToJson(value);
  if (value instanceof Y.Array) return value.toArray().map((item) => fromYValue(item) ?? null);
  if (value instanceof Y.Text) return value.toJSON();
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) return value.map((item: unknown) => fromYValue(item) ?? null);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries: [string, JsonValue][] = [];
    for (const [key, child] of Object.entries(value)) {
      const json = fromYValue(child);
      if (json !== undefined) entries.push([key, json]);
    }
    return Object.fromEntries(entries);
  }
  return undefined;
}

/** A container of the document's Yjs structure. */
export type YContainer = Y.Map<unknown> | Y.Array<unknown>;

/** True for the Yjs types that hold a config's objects and arrays. */
export function isYContainer(value: unknown): value is YContainer {
  return value instanceof Y.Map || value instanceof Y.Array;
}
