import { ArtifactError } from "../../errors.ts";

/**
 * JSON with object keys sorted (by UTF-16 code units) at every level and no whitespace, so equal
 * data gives equal bytes. For the data used here (strings, finite numbers, booleans, null,
 * arrays and plain objects) this is also RFC 8785 (JCS) output, which `@bbos/core`'s
 * `canonicalJson` produces for content ids; this package keeps its own copy only because it
 * does not depend on the core. Properties set to `undefined` are left out.
 *
 * @throws ArtifactError `INVALID_INPUT` for anything JSON cannot carry exactly (NaN, Infinity,
 *   `undefined` in an array, functions, bigints, class instances such as Date).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw notJson(String(value));
    return JSON.stringify(value);
  }
  if (typeof value !== "object") throw notJson(typeof value);
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonicalJson(item)).join(",")}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw notJson("a class instance");
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((name) => record[name] !== undefined)
    .map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`);
  return `{${members.join(",")}}`;
}

function notJson(what: string): ArtifactError {
  return new ArtifactError("INVALID_INPUT", `cannot serialise ${what} as canonical JSON`);
}
