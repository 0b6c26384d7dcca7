/**
 * Escapes one reference token for a JSON Pointer (RFC 6901): `~` becomes `~0`, `/` becomes `~1`.
 */
function escapeJsonPointerToken(token: string | number): string {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}

/**
 * Builds a JSON Pointer (RFC 6901) from path segments. The root is `""`, not `"/"`.
 *
 * @example toJsonPointer(["system", "users", 1, "name"]) === "/system/users/1/name"
 */
export function toJsonPointer(segments: readonly (string | number)[]): string {
  let pointer = "";
  for (const segment of segments) pointer += `/${escapeJsonPointerToken(segment)}`;
  return pointer;
}

/** Appends one segment to an existing JSON Pointer. */
export function appendJsonPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${escapeJsonPointerToken(segment)}`;
}

/**
 * True when `pointer` equals `ancestor` or lies below it. Compares whole segments, so
 * `/os/branch` is inside `/os` but `/osx` is not.
 */
export function isJsonPointerWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}
