import type { JsonObject, JsonValue } from "@bbos/core";

import { formatJsonPointer, isArrayIndexToken } from "./json-pointer.ts";

/** True for a JSON object: not `null`, not an array. */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain object literal (or `Object.create(null)`), not a class instance, `Date` or Y type. */
function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Where the first part of `value` that is not plain JSON sits, and what it is. */
export interface NonJsonPart {
  /** JSON Pointer of the part, relative to `value`. */
  path: string;
  /** What was found there, for the error message. */
  found: string;
}

/**
 * The first part of `value` that JSON cannot represent (`undefined`, a function, a bigint,
 * `NaN` or an infinity, a class instance, a sparse array, a cycle), or `null` when it is
 * plain JSON data. Yjs would store such parts in ways no JSON reader gets back.
 */
export function findNonJsonPart(value: unknown): NonJsonPart | null {
  const ancestors = new Set<object>();
  const visit = (current: unknown, tokens: (string | number)[]): NonJsonPart | null => {
    const at = (found: string): NonJsonPart => ({ path: formatJsonPointer(tokens), found });
    if (current === null || typeof current === "string" || typeof current === "boolean") {
      return null;
    }
    if (typeof current === "number") return Number.isFinite(current) ? null : at(String(current));
    if (typeof current !== "object") return at(typeof current);
    if (ancestors.has(current)) return at("a reference cycle");
    ancestors.add(current);
    try {
      if (Array.isArray(current)) {
        for (let i = 0; i < current.length; i++) {
          if (!(i in current)) return at("a sparse array");
          const found = visit(current[i], [...tokens, i]);
          if (found) return found;
        }
        return null;
      }
      if (!isPlainObject(current)) return at(current.constructor?.name ?? "a non-plain object");
      for (const [key, child] of Object.entries(current)) {
        const found = visit(child, [...tokens, key]);
        if (found) return found;
      }
      return null;
    } finally {
      ancestors.delete(current);
    }
  };
  return visit(value, []);
}

/** A deep copy of JSON data. Keys are copied as own properties, so `__proto__` stays data. */
export function cloneJson<TValue extends JsonValue>(value: TValue): TValue;
export function cloneJson(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, cloneJson(child)]));
  }
  return value;
}

/** Deep equality of JSON data; key order does not matter, array order does. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i] as JsonValue));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (key) => Object.hasOwn(b, key) && jsonEqual(a[key] as JsonValue, b[key] as JsonValue),
  );
}

/**
 * The value at `tokens` inside `root`, or `undefined` when there is none. Only own keys count
 * (`/toString` finds nothing), and array tokens must be canonical indices (`-` finds nothing).
 */
export function findJsonAt(root: JsonValue, tokens: readonly string[]): JsonValue | undefined {
  let current: JsonValue = root;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!isArrayIndexToken(token) || Number(token) >= current.length) return undefined;
      current = current[Number(token)] as JsonValue;
    } else if (isJsonObject(current) && Object.hasOwn(current, token)) {
      current = current[token] as JsonValue;
    } else {
      return undefined;
    }
  }
  return current;
}

/** Sets `key` on `object` as an own data property (an assignment to `__proto__` would not). */
export function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
