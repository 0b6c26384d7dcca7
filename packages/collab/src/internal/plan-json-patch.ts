import type { JsonObject, JsonValue } from "@bbos/core";
// The errors entry alone: the browser bundle need not carry the validator.
import { DomainError } from "@bbos/core/errors";

import {
  formatJsonPointer,
  isArrayIndexToken,
  isProperPrefix,
  parseJsonPointer,
} from "./json-pointer.ts";
import { cloneJson, findJsonAt, findNonJsonPart, isJsonObject, jsonEqual } from "./json-value.ts";
import { applyStepToJson, type PatchStep } from "./patch-step.ts";

/**
 * Why a JSON Patch was rejected, in `DomainError.details.reason`:
 * - `INVALID_OPERATION`: not an object, an unknown `op`, or `path` / `from` / `value` missing.
 * - `INVALID_POINTER`: `path` or `from` is not an RFC 6901 pointer.
 * - `NOT_JSON`: `value` holds something JSON cannot represent.
 * - `PATH_NOT_FOUND`: the target (or, for `add`, its parent) does not exist.
 * - `NOT_A_CONTAINER`: the parent is a string, number, boolean or `null`.
 * - `INVALID_ARRAY_INDEX`: an array token is not `0`, digits without a leading zero, or `-` for `add`.
 * - `INDEX_OUT_OF_BOUNDS`: an `add` index past the end of the array.
 * - `MOVE_INTO_ITSELF`: a `move` into a descendant of `from`.
 * - `ROOT_NOT_OBJECT`: the operation would remove the config or make it something other than an object.
 * - `TEST_FAILED`: a `test` found another value, or none.
 */
export type PatchRejectionReason =
  | "INVALID_OPERATION"
  | "INVALID_POINTER"
  | "NOT_JSON"
  | "PATH_NOT_FOUND"
  | "NOT_A_CONTAINER"
  | "INVALID_ARRAY_INDEX"
  | "INDEX_OUT_OF_BOUNDS"
  | "MOVE_INTO_ITSELF"
  | "ROOT_NOT_OBJECT"
  | "TEST_FAILED";

const OPERATION_NAMES: ReadonlySet<string> = new Set([
  "add",
  "remove",
  "replace",
  "move",
  "copy",
  "test",
]);

/**
 * Checks a JSON Patch (RFC 6902) against `current` and resolves it into primitive steps,
 * without touching `current`: every operation is checked against the state the operations
 * before it produce, so the whole patch is known to apply before anything is written.
 *
 * @throws DomainError `BAD_INPUT` for the first operation that cannot apply, with
 *   `details: { path, operationIndex, op, reason }` (`path` is the pointer at fault, `reason`
 *   a {@link PatchRejectionReason}).
 */
export function planJsonPatch(current: JsonObject, operations: readonly unknown[]): PatchStep[] {
  if (!Array.isArray(operations)) {
    throw new DomainError("BAD_INPUT", "A JSON Patch must be an array of operations", {
      details: { path: "", reason: "INVALID_OPERATION" satisfies PatchRejectionReason },
    });
  }
  const planner = new PatchPlanner(cloneJson(current));
  operations.forEach((operation: unknown, index) => planner.plan(operation, index));
  return planner.steps;
}

/** The operation being planned, for error details. */
interface OperationContext {
  readonly index: number;
  /** `""` until the operation's `op` is known. */
  readonly op: string;
  readonly path: string;
}

class PatchPlanner {
  readonly steps: PatchStep[] = [];

  constructor(private state: JsonValue) {}

  plan(operation: unknown, index: number): void {
    if (typeof operation !== "object" || operation === null || Array.isArray(operation)) {
      reject(
        { index, op: "", path: "" },
        "INVALID_OPERATION",
        "",
        "the operation is not an object",
      );
    }
    const { op, path, from } = operation as Record<string, unknown>;
    if (typeof op !== "string" || !OPERATION_NAMES.has(op)) {
      const name = typeof op === "string" ? `"${op}"` : "missing";
      reject(
        { index, op: "", path: "" },
        "INVALID_OPERATION",
        "",
        `op is ${name}, not one of RFC 6902's`,
      );
    }
    if (typeof path !== "string") {
      reject({ index, op, path: "" }, "INVALID_OPERATION", "", "path is missing");
    }
    const context = { index, op, path };
    const pathTokens = pointerTokens(context, path);
    switch (op) {
      case "add":
        return this.add(context, pathTokens, path, operationValue(context, operation, path));
      case "replace":
        return this.replace(context, pathTokens, path, operationValue(context, operation, path));
      case "remove":
        return this.remove(context, pathTokens, path);
      case "test":
        return this.test(context, pathTokens, path, operationValue(context, operation, path));
      case "move":
      case "copy": {
        if (typeof from !== "string") reject(context, "INVALID_OPERATION", path, "from is missing");
        const fromTokens = pointerTokens(context, from);
        const value = findJsonAt(this.state, fromTokens);
        if (value === undefined) {
          reject(context, "PATH_NOT_FOUND", from, `nothing at from ${JSON.stringify(from)}`);
        }
        if (op === "copy") return this.add(context, pathTokens, path, cloneJson(value));
        if (from === path) return; // RFC 6902: moving a value onto itself changes nothing.
        if (fromTokens.length === 0 || isProperPrefix(fromTokens, pathTokens)) {
          reject(context, "MOVE_INTO_ITSELF", path, `cannot move ${from} into its own descendant`);
        }
        // RFC 6902: a move is a remove, then an add at `path` evaluated after the removal.
        this.remove(context, fromTokens, from);
        return this.add(context, pathTokens, path, value);
      }
    }
    reject(context, "INVALID_OPERATION", path, `op "${op}" is not supported`);
  }

  private add(context: OperationContext, tokens: string[], path: string, value: JsonValue): void {
    const parent = this.parentOf(context, tokens, path);
    if (parent === null) return this.emitRoot(context, path, value);
    const { container, parentTokens, key } = parent;
    if (!Array.isArray(container)) {
      return this.emit({ op: "set", parent: parentTokens, key, value });
    }
    if (key !== "-" && !isArrayIndexToken(key)) {
      reject(context, "INVALID_ARRAY_INDEX", path, `"${key}" is not an array index or "-"`);
    }
    const index = key === "-" ? container.length : Number(key);
    if (index > container.length) {
      reject(
        context,
        "INDEX_OUT_OF_BOUNDS",
        path,
        `index ${index} is past the array's end (${container.length})`,
      );
    }
    this.emit({ op: "insert", parent: parentTokens, index, value });
  }

  private replace(
    context: OperationContext,
    tokens: string[],
    path: string,
    value: JsonValue,
  ): void {
    const parent = this.parentOf(context, tokens, path);
    if (parent === null) return this.emitRoot(context, path, value);
    const { container, parentTokens, key } = parent;
    const index = this.existingKey(context, container, key, path);
    if (typeof index === "string") {
      return this.emit({ op: "set", parent: parentTokens, key, value });
    }
    this.emit({ op: "deleteAt", parent: parentTokens, index });
    this.emit({ op: "insert", parent: parentTokens, index, value });
  }

  private remove(context: OperationContext, tokens: string[], path: string): void {
    const parent = this.parentOf(context, tokens, path);
    if (parent === null) {
      reject(context, "ROOT_NOT_OBJECT", path, "the config itself cannot be removed");
    }
    const { container, parentTokens, key } = parent;
    const index = this.existingKey(context, container, key, path);
    if (typeof index === "string") this.emit({ op: "delete", parent: parentTokens, key });
    else this.emit({ op: "deleteAt", parent: parentTokens, index });
  }

  private test(
    context: OperationContext,
    tokens: string[],
    path: string,
    expected: JsonValue,
  ): void {
    const actual = findJsonAt(this.state, tokens);
    if (actual === undefined) reject(context, "TEST_FAILED", path, "test failed: nothing is there");
    if (!jsonEqual(actual, expected)) {
      reject(context, "TEST_FAILED", path, "test failed: the value differs");
    }
  }

  /** The container holding `tokens`' last token, or `null` when `tokens` is the root. */
  private parentOf(context: OperationContext, tokens: string[], path: string) {
    if (tokens.length === 0) return null;
    const parentTokens = tokens.slice(0, -1);
    const key = tokens[tokens.length - 1] as string;
    const container = findJsonAt(this.state, parentTokens);
    if (container === undefined) {
      reject(
        context,
        "PATH_NOT_FOUND",
        path,
        `its parent ${formatJsonPointer(parentTokens)} does not exist`,
      );
    }
    if (typeof container !== "object" || container === null) {
      reject(
        context,
        "NOT_A_CONTAINER",
        path,
        `its parent ${formatJsonPointer(parentTokens)} is not an object or array`,
      );
    }
    return { container, parentTokens, key };
  }

  /** The existing member `key` of `container`: its index in an array, the key in an object. */
  private existingKey(
    context: OperationContext,
    container: JsonObject | JsonValue[],
    key: string,
    path: string,
  ): string | number {
    if (Array.isArray(container)) {
      if (!isArrayIndexToken(key)) {
        reject(context, "INVALID_ARRAY_INDEX", path, `"${key}" is not an array index`);
      }
      if (Number(key) >= container.length) {
        reject(context, "PATH_NOT_FOUND", path, "no array element there");
      }
      return Number(key);
    }
    if (!Object.hasOwn(container, key)) reject(context, "PATH_NOT_FOUND", path, "no such key");
    return key;
  }

  private emitRoot(context: OperationContext, path: string, value: JsonValue): void {
    if (!isJsonObject(value)) {
      reject(context, "ROOT_NOT_OBJECT", path, "the config must stay an object");
    }
    this.emit({ op: "root", value });
  }

  private emit(step: PatchStep): void {
    this.state = applyStepToJson(this.state, step);
    this.steps.push(step);
  }
}

function pointerTokens(context: OperationContext, pointer: string): string[] {
  const tokens = parseJsonPointer(pointer);
  if (tokens === null) {
    reject(context, "INVALID_POINTER", pointer, `"${pointer}" is not a JSON Pointer (RFC 6901)`);
  }
  return tokens;
}

/** The operation's `value`, checked to be JSON and copied, so the caller's object is never kept. */
function operationValue(context: OperationContext, operation: object, path: string): JsonValue {
  if (!("value" in operation)) reject(context, "INVALID_OPERATION", path, "value is missing");
  const nonJson = findNonJsonPart(operation.value);
  if (nonJson) {
    const at = path + nonJson.path;
    reject(
      context,
      "NOT_JSON",
      at,
      `value${nonJson.path} is ${nonJson.found}, which JSON cannot hold`,
    );
  }
  return cloneJson(operation.value as JsonValue);
}

/** Throws the `BAD_INPUT` error for the operation in `context`; `path` is the pointer at fault. */
function reject(
  context: OperationContext,
  reason: PatchRejectionReason,
  path: string,
  problem: string,
): never {
  const { index, op } = context;
  const label = op === "" ? "" : ` (${op} ${JSON.stringify(context.path)})`;
  throw new DomainError("BAD_INPUT", `JSON Patch operation ${index}${label}: ${problem}`, {
    details: { path, operationIndex: index, op, reason },
  });
}
