// The UMD build on purpose: the package's `module` field points at lib/esm, whose files import
// each other without file extensions, which Node's ESM loader rejects. The UMD build is CommonJS
// and loads under Node, tsx, Vitest and esbuild alike; a default import takes its module.exports,
// so nothing depends on Node detecting named exports in a UMD wrapper.
import jsonc from "jsonc-parser/lib/umd/main.js";

import { DomainError } from "./errors.ts";
import { appendJsonPointer } from "./json-pointer.ts";

/** Any JSON value, as produced by {@link parseConfigJson}. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object: a plain object with `Object.prototype` and only JSON values. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Limits applied by {@link parseConfigJson} to untrusted input. */
export interface ParseConfigJsonLimits {
  /**
   * Largest accepted text in UTF-8 bytes. For an already-parsed value the same budget applies to
   * an estimate (string and key lengths plus one per value).
   * @defaultValue 1_048_576 (1 MiB)
   */
  maxBytes?: number;
  /**
   * Deepest accepted nesting of objects and arrays; `{}` is depth 1, `{"a":[]}` depth 2.
   * @defaultValue 32
   */
  maxDepth?: number;
  /**
   * Most values (scalars and containers) accepted. Guards already-parsed input whose shared
   * references would make a copy explode; text input cannot reach it within `maxBytes`.
   * @defaultValue 1_048_576
   */
  maxNodes?: number;
}

/** The limits {@link parseConfigJson} uses for whatever the caller leaves out. */
export const DEFAULT_PARSE_CONFIG_JSON_LIMITS: Readonly<Required<ParseConfigJsonLimits>> =
  Object.freeze({ maxBytes: 1_048_576, maxDepth: 32, maxNodes: 1_048_576 });

/**
 * Keys that are never accepted anywhere in a config: they are the levers of prototype pollution
 * once the data reaches `Object.assign`, a deep merge or a naive path setter.
 */
const FORBIDDEN_JSON_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Turns untrusted input into a fresh, safe JSON value. The gate every config passes before
 * schema validation.
 *
 * - A `string` is JSON text: over `maxBytes` UTF-8 bytes → `PAYLOAD_TOO_LARGE`; nested deeper than
 *   `maxDepth` → `BAD_INPUT` (found by a bracket scan before parsing, so 100k-deep text costs one
 *   linear pass and no recursion); not JSON → `BAD_INPUT` with line, column and position.
 * - Anything else is taken as an already-parsed value (for example a GraphQL `JSON` scalar) and must
 *   be plain JSON data: no `undefined` in arrays, functions, bigints, non-finite numbers, `Date`s
 *   or class instances (→ `BAD_INPUT`). Object properties whose value is `undefined` are dropped,
 *   as `JSON.stringify` would. Size and depth limits apply too.
 * - Keys in {@link FORBIDDEN_JSON_KEYS} → `BAD_INPUT` naming their JSON Pointer path.
 *
 * The result is a deep copy made of new arrays and new plain objects, never the caller's objects,
 * and `-0` becomes `0`. The walk is iterative, so no input can overflow the stack.
 *
 * Note: to parse a JSON document whose top level is itself a string, pass the text, not the
 * decoded string.
 *
 * @throws DomainError `PAYLOAD_TOO_LARGE` or `BAD_INPUT`; `details` carry `path` and, for syntax
 *   errors, `position`, `line` and `column`.
 */
export function parseConfigJson(input: unknown, limits: ParseConfigJsonLimits = {}): JsonValue {
  const resolved = { ...DEFAULT_PARSE_CONFIG_JSON_LIMITS, ...limits };
  if (typeof input === "string") return parseText(input, resolved);
  return copyJsonValue(input, resolved);
}

function parseText(text: string, limits: Required<ParseConfigJsonLimits>): JsonValue {
  const bytes = utf8ByteLengthUpTo(text, limits.maxBytes);
  if (bytes > limits.maxBytes) {
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      `The config is larger than the limit of ${formatBytes(limits.maxBytes)}.`,
      { details: { limitBytes: limits.maxBytes } },
    );
  }
  assertTextDepth(text, limits.maxDepth);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Mapped: a SyntaxError is the user's mistake, reported with a stable position and wording.
    const location = locateSyntaxError(text);
    const where =
      location === null
        ? ""
        : ` at line ${location.line}, column ${location.column} (position ${location.position})`;
    const reason = location?.reason ?? (error instanceof Error ? error.message : "unknown error");
    throw new DomainError("BAD_INPUT", `The config is not valid JSON${where}: ${reason}.`, {
      cause: error,
      details: {
        path: "",
        ...(location === null
          ? {}
          : { position: location.position, line: location.line, column: location.column }),
      },
    });
  }
  // The text is within maxBytes, so the estimate in copyJsonValue cannot trip; keep it simple.
  return copyJsonValue(parsed, { ...limits, maxBytes: Number.POSITIVE_INFINITY });
}

/** Where a JSON text first breaks; `position` counts UTF-16 code units from 0, the rest from 1. */
interface SyntaxErrorLocation {
  position: number;
  line: number;
  column: number;
  /** A lowercase phrase such as "property name expected". */
  reason: string;
}

/** Strict JSON (RFC 8259) for jsonc-parser: its comments and trailing commas are errors. */
const STRICT_JSON: jsonc.ParseOptions = {
  disallowComments: true,
  allowTrailingComma: false,
  allowEmptyContent: false,
};

/**
 * The first syntax error jsonc-parser finds, or `null` when it finds none. Only called after
 * `JSON.parse` failed: V8's messages do not always carry a position and change between Node
 * versions, so users get one wording from here instead.
 */
function locateSyntaxError(text: string): SyntaxErrorLocation | null {
  let first: SyntaxErrorLocation | null = null;
  try {
    jsonc.visit(
      text,
      {
        onError(code, offset, _length, startLine, startCharacter) {
          first ??= {
            position: offset,
            line: startLine + 1,
            column: startCharacter + 1,
            reason: jsonc
              .printParseErrorCode(code)
              .replace(/(?<=[a-z])(?=[A-Z])/g, " ")
              .toLowerCase(),
          };
        },
      },
      STRICT_JSON,
    );
  } catch (error) {
    // jsonc-parser recurses once per nesting level, so text nested thousands deep (possible only
    // when a caller raised maxDepth that far) overflows the stack; the error then keeps V8's
    // message instead of a position.
    if (error instanceof RangeError) return null;
    throw error;
  }
  return first;
}

/**
 * UTF-8 length of `text`, but stops counting once past `limit` (the caller only needs to know
 * that it is too large). Pure arithmetic, no TextEncoder.
 */
function utf8ByteLengthUpTo(text: string, limit: number): number {
  // Every UTF-16 code unit needs at least one byte and at most three.
  if (text.length > limit) return text.length;
  if (text.length * 3 <= limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Bracket scan outside strings; cheap enough to run before every parse. */
function assertTextDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > maxDepth) {
        throw new DomainError(
          "BAD_INPUT",
          `The config is nested deeper than the limit of ${maxDepth} levels (at position ${i}).`,
          { details: { path: "", position: i, maxDepth } },
        );
      }
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
}

interface CopyTask {
  source: object;
  target: JsonValue[] | JsonObject;
  path: string;
  depth: number;
}

function copyJsonValue(input: unknown, limits: Required<ParseConfigJsonLimits>): JsonValue {
  let nodes = 0;
  let bytes = 0;
  const stack: CopyTask[] = [];

  /** Checks one value; containers get an empty copy now and are filled when popped. */
  const visit = (value: unknown, path: string, depth: number): JsonValue => {
    nodes++;
    bytes++;
    if (nodes > limits.maxNodes) {
      throw new DomainError(
        "PAYLOAD_TOO_LARGE",
        `The config has more than ${limits.maxNodes} values.`,
        { details: { path, maxNodes: limits.maxNodes } },
      );
    }
    switch (typeof value) {
      case "string":
        bytes += value.length;
        if (bytes > limits.maxBytes) throw tooLarge(limits.maxBytes);
        return value;
      case "boolean":
        return value;
      case "number":
        if (!Number.isFinite(value)) throw badValue(path, `${String(value)} is not a JSON number`);
        return value === 0 ? 0 : value;
      case "object": {
        if (value === null) return null;
        if (depth + 1 > limits.maxDepth) {
          throw new DomainError(
            "BAD_INPUT",
            `The config is nested deeper than the limit of ${limits.maxDepth} levels (at "${path}").`,
            { details: { path, maxDepth: limits.maxDepth } },
          );
        }
        let target: JsonValue[] | JsonObject;
        if (Array.isArray(value)) target = [];
        else {
          const proto: unknown = Object.getPrototypeOf(value);
          if (proto !== Object.prototype && proto !== null) {
            throw badValue(path, "only plain objects and arrays are JSON data");
          }
          target = {};
        }
        stack.push({ source: value, target, path, depth: depth + 1 });
        return target;
      }
      case "undefined":
      case "function":
      case "symbol":
      case "bigint":
        throw badValue(path, `a ${typeof value} is not JSON data`);
    }
  };

  const root = visit(input, "", 0);
  for (let task = stack.pop(); task !== undefined; task = stack.pop()) {
    const { source, target, path, depth } = task;
    if (Array.isArray(target)) {
      const items = source as unknown[];
      for (let index = 0; index < items.length; index++) {
        const itemPath = appendJsonPointer(path, index);
        const item: unknown = items[index];
        if (item === undefined) throw badValue(itemPath, "undefined (or a hole) inside an array");
        target.push(visit(item, itemPath, depth));
      }
      continue;
    }
    const record = source as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const keyPath = appendJsonPointer(path, key);
      if (FORBIDDEN_JSON_KEYS.has(key)) {
        throw new DomainError(
          "BAD_INPUT",
          `The key "${key}" is not allowed (at "${keyPath}"): it could pollute object prototypes.`,
          { details: { path: keyPath } },
        );
      }
      const item = record[key];
      if (item === undefined) continue;
      bytes += key.length;
      // Plain assignment is safe: "__proto__" was rejected above, so no setter can fire.
      target[key] = visit(item, keyPath, depth);
    }
  }
  return root;
}

function badValue(path: string, what: string): DomainError {
  return new DomainError("BAD_INPUT", `The config is not plain JSON data at "${path}": ${what}.`, {
    details: { path },
  });
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(
    "PAYLOAD_TOO_LARGE",
    `The config is larger than the limit of ${formatBytes(maxBytes)}.`,
    { details: { limitBytes: maxBytes } },
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1_048_576 && bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
