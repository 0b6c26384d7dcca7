import canonicalize from "canonicalize";

import { DomainError } from "./errors.ts";
import { appendJsonPointer } from "./json-pointer.ts";
import { sha256Hex } from "./sha256-hex.ts";

/**
 * Nesting depth at which {@link canonicalJson} gives up with `BAD_INPUT` instead of risking a
 * stack overflow in its (recursive) check. Far above anything a board config needs; parsed input
 * is already capped at 32 by `parseConfigJson`.
 */
const MAX_CANONICAL_DEPTH = 1000;

/**
 * Serialises a JSON value per RFC 8785, the JSON Canonicalization Scheme (JCS), so that equal data
 * always yields equal bytes and anyone can recompute a content hash with any JCS implementation:
 *
 * - object keys sorted by UTF-16 code units, no whitespace;
 * - numbers in ECMAScript shortest round-trip form (`1.0` → `1`, `1e21` → `1e+21`, `-0` → `0`);
 * - strings escaped as `JSON.stringify` does, which is what JCS prescribes;
 * - object properties whose value is `undefined` are left out, as `JSON.stringify` does, so an
 *   optional field set to `undefined` hashes like an absent one.
 *
 * The serialisation is the `canonicalize` package (by an author of the RFC). It follows
 * `JSON.stringify` for values JSON cannot represent (it calls `toJSON`, turns `undefined` in arrays
 * into `null`, drops functions), so a check runs first and rejects those instead.
 *
 * @throws DomainError `BAD_INPUT` for anything that is not plain JSON data: `NaN`/`Infinity`,
 *   `undefined` at the root or inside an array, functions, symbols, bigints, `Date`s and other
 *   class instances, cycles, strings or keys with lone surrogates (not valid Unicode, so they
 *   would not survive UTF-8), nesting deeper than 1000 levels. The message names the JSON Pointer
 *   of the offending value.
 */
export function canonicalJson(value: unknown): string {
  assertPlainJson(value, "", new Set<object>(), 0);
  // canonicalize returns undefined only for undefined, a function or a symbol at the root, all of
  // which assertPlainJson has rejected.
  return canonicalize(value) as string;
}

/**
 * Lowercase hex SHA-256 of the UTF-8 bytes of {@link canonicalJson}(value): a content address
 * that ignores key order and number spelling, the same as `sha256(JCS(value))` computed elsewhere.
 *
 * @throws DomainError `BAD_INPUT` as {@link canonicalJson} does.
 */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

function assertPlainJson(
  value: unknown,
  path: string,
  ancestors: Set<object>,
  depth: number,
): void {
  switch (typeof value) {
    case "string":
      assertWellFormed(value, path);
      return;
    case "number":
      if (!Number.isFinite(value)) throw badInput(path, `${String(value)} is not a JSON number`);
      return;
    case "boolean":
      return;
    case "object":
      if (value !== null) assertPlainContainer(value, path, ancestors, depth);
      return;
    case "undefined":
    case "function":
    case "symbol":
    case "bigint":
      throw badInput(path, `a ${typeof value} is not JSON data`);
  }
}

function assertPlainContainer(
  value: object,
  path: string,
  ancestors: Set<object>,
  depth: number,
): void {
  if (depth >= MAX_CANONICAL_DEPTH) {
    throw badInput(path, `nesting deeper than ${MAX_CANONICAL_DEPTH} levels`);
  }
  if (ancestors.has(value)) throw badInput(path, "a cyclic reference is not JSON data");
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const itemPath = appendJsonPointer(path, index);
      if (item === undefined) throw badInput(itemPath, "undefined (or a hole) inside an array");
      assertPlainJson(item, itemPath, ancestors, depth + 1);
    }
  } else {
    assertPlainObject(value, path);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item === undefined) continue;
      const itemPath = appendJsonPointer(path, key);
      assertWellFormed(key, itemPath);
      assertPlainJson(item, itemPath, ancestors, depth + 1);
    }
  }
  // Only ancestors make a cycle: the same object twice side by side is fine.
  ancestors.delete(value);
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

// With the `u` flag a valid surrogate pair is one code point above U+FFFF, so this class only
// matches lone halves. (String#isWellFormed is ES2024, newer than the lib this code targets.)
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function assertWellFormed(text: string, path: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw badInput(path, "a string with a lone UTF-16 surrogate is not valid Unicode");
  }
}

function badInput(path: string, what: string): DomainError {
  return new DomainError(
    "BAD_INPUT",
    `Cannot canonicalise ${path === "" ? "the value" : `"${path}"`}: ${what}.`,
    { details: { path } },
  );
}
