// The errors entry alone: the browser bundle need not carry the validator.
import { DomainError } from "@bbos/core/errors";

import { formatJsonPointer, parseJsonPointer } from "./internal/json-pointer.ts";

/**
 * The JSON Pointer (RFC 6901) of a field path such as `["system", "users", 0, "name"]`
 * (→ `/system/users/0/name`): the form presence and validation issues name fields in. `~` is
 * escaped as `~0` and `/` as `~1`; `[]` is the root, `""`.
 */
export function fieldPathToPointer(segments: readonly (string | number)[]): string {
  return formatJsonPointer(segments);
}

/**
 * The segments of a JSON Pointer, unescaped (`/a~1b/~0` → `["a/b", "~"]`), the inverse of
 * {@link fieldPathToPointer}. Every segment is a string, array indices included (`"0"`): a
 * pointer does not say whether `0` is an index or an object key, only the config does.
 *
 * @throws DomainError `BAD_INPUT` when `pointer` is not a JSON Pointer (it must be `""` or start
 *   with `/`, and `~` must be followed by `0` or `1`).
 */
export function pointerToFieldPath(pointer: string): string[] {
  const segments = parseJsonPointer(pointer);
  if (segments === null) {
    throw new DomainError("BAD_INPUT", `"${pointer}" is not a JSON Pointer (RFC 6901)`, {
      details: { path: pointer },
    });
  }
  return segments;
}
