import type { JsonObject, JsonValue } from "@bbos/core";
import type { Operation } from "fast-json-patch";
// A default import on purpose: the package's `main` is CommonJS that fills `exports` with
// `Object.assign`, which Node cannot detect as named exports, so `import { compare }` fails
// under Node (the server bundle keeps third-party packages external). The default import is
// `module.exports` under Node and the ESM build's default export under Vite; both carry `compare`.
import jsonPatch from "fast-json-patch";

/**
 * fast-json-patch's `compare`: the operations that turn `a` into `b`, applicable in order, with
 * copies of `b`'s values. Arrays are compared index by index (no moves), so a path in the result
 * names the same element in `a` and in `b`: removals lie past `b`'s end, additions past `a`'s.
 * Both must be containers of the same kind (at the root, it does not handle a change of kind).
 */
export function compareJson(a: JsonObject | JsonValue[], b: JsonObject | JsonValue[]): Operation[] {
  return jsonPatch.compare(a, b);
}
