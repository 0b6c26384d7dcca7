import { DomainError } from "./errors.ts";
import { appendJsonPointer } from "./json-pointer.ts";
import { sha256Hex } from "./sha256-hex.ts";

/**
 * Nesting depth at which {@link canonicalJson} gives up with `BAD_INPUT` instead of risking a
 * stack overflow. Far above anything a board config needs; parsed input is already capped at 32
 * by `parseConfigJson`.
 */
const MAX_CANONICAL_DEPTH = 1000;

/**
 * Serialises a JSON value canonically, in the style of RFC 8785 (JCS), so that equal data always
 * yields equal bytes:
 *
 * - object keys sorted by UTF-16 code units (JavaScript's default string order), no whitespace;
 * - numbers in ECMAScript shortest round-trip form (`1.0` → `1`, `1e21` → `1e+21`, `-0` → `0`);
 * - strings escaped exactly as `JSON.stringify` does, which is what JCS prescribes;
 * - object properties whose value is `undefined` are left out, as `JSON.stringify` does, so an
 *   optional field set to `undefined` hashes like an absent one.
 *
 * @throws DomainError `BAD_INPUT` for anything that is not plain JSON data: `NaN`/`Infinity`,
 *   `undefined` at the root or inside an array, functions, symbols, bigints, `Date`s and other
 *   class instances, cycles, strings or keys with lone surrogates (not valid Unicode, so they
 *   would not survive UTF-8). The message names the JSON Pointer of the offending value.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, "", new Set<object>(), 0);
}

/**
 * Lowercase hex SHA-256 of the UTF-8 bytes of {@link canonicalJson}(value): a content address
 * that ignores key order and number spelling. Suitable as a cache key (for example validation
 * results keyed by config hash plus the validator's fingerprint).
 *
 * @throws DomainError `BAD_INPUT` as {@link canonicalJson} does.
 */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

function serialise(value: unknown, path: string, ancestors: Set<object>, depth: number): string {
  switch (typeof value) {
    case "string":
      return serialiseString(value, path);
    case "number":
      return serialiseNumber(value, path);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      return serialiseContainer(value, path, ancestors, depth);
    case "undefined":
    case "function":
    case "symbol":
    case "bigint":
      throw badInput(path, `a ${typeof value} is not JSON data`);
  }
}

function serialiseContainer(
  value: object,
  path: string,
  ancestors: Set<object>,
  depth: number,
): string {
  if (depth >= MAX_CANONICAL_DEPTH) {
    throw badInput(path, `nesting deeper than ${MAX_CANONICAL_DEPTH} levels`);
  }
  if (ancestors.has(value)) throw badInput(path, "a cyclic reference is not JSON data");
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const itemPath = appendJsonPointer(path, index);
      if (item === undefined) throw badInput(itemPath, "undefined (or a hole) inside an array");
      parts.push(serialise(item, itemPath, ancestors, depth + 1));
    }
    out = `[${parts.join(",")}]`;
  } else {
    assertPlainObject(value, path);
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is exactly the JCS key order.
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      const itemPath = appendJsonPointer(path, key);
      parts.push(
        `${serialiseString(key, itemPath)}:${serialise(item, itemPath, ancestors, depth + 1)}`,
      );
    }
    out = `{${parts.join(",")}}`;
  }
  ancestors.delete(value);
  return out;
}

function assertPlainObject(value: object, path: string): void {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name =
      typeof value.constructor === "function" && value.constructor.name !== ""
        ? value.constructor.name
        : "class instance";
    throw badInput(path, `a ${name} is not plain JSON data`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw badInput(path, "symbol-keyed properties are not JSON data");
  }
}

function serialiseNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw badInput(path, `${String(value)} is not a JSON number`);
  // String() is ECMAScript Number::toString: the shortest round-trip form that JCS requires;
  // it already prints -0 as "0".
  return String(value);
}

// With the `u` flag a valid surrogate pair is one code point above U+FFFF, so this class only
// matches lone halves.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function serialiseString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw badInput(path, "a string with a lone UTF-16 surrogate is not valid Unicode");
  }
  return JSON.stringify(value);
}

function badInput(path: string, what: string): DomainError {
  return new DomainError(
    "BAD_INPUT",
    `Cannot canonicalise ${path === "" ? "the value" : `"${path}"`}: ${what}.`,
    { details: { path } },
  );
}
