/**
 * RFC 6901 JSON Pointers as lists of unescaped reference tokens. Our own parser rather than
 * fast-json-patch's: that one accepts `"01"` and `""` as array indices and does not reject
 * malformed escapes such as `~2`.
 */

/** The reference tokens of `pointer` (`""` is the root, `[]`), or `null` when it is malformed. */
export function parseJsonPointer(pointer: string): string[] | null {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return null;
  const tokens = pointer.slice(1).split("/");
  // `~` must start `~0` (for `~`) or `~1` (for `/`); one pass, so `~01` becomes `~1`, not `/`.
  if (tokens.some((token) => /~(?![01])/.test(token))) return null;
  return tokens.map((token) => token.replace(/~[01]/g, (escape) => (escape === "~1" ? "/" : "~")));
}

/** The JSON Pointer of `tokens`: `~` is escaped as `~0`, `/` as `~1`, and `[]` is `""`. */
export function formatJsonPointer(tokens: readonly (string | number)[]): string {
  let pointer = "";
  for (const token of tokens) {
    pointer += `/${String(token).replaceAll("~", "~0").replaceAll("/", "~1")}`;
  }
  return pointer;
}

/** True for an array index as RFC 6901 spells it: `0`, or digits without a leading zero. */
export function isArrayIndexToken(token: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(token);
}

/** True when `ancestor` lies strictly above `tokens` (a proper prefix of it). */
export function isProperPrefix(ancestor: readonly string[], tokens: readonly string[]): boolean {
  return ancestor.length < tokens.length && ancestor.every((token, i) => token === tokens[i]);
}
