/**
 * Where and why a JSON text is invalid. `position` counts UTF-16 code units from 0; `line` and
 * `column` count from 1.
 */
export interface JsonSyntaxErrorLocation {
  position: number;
  line: number;
  column: number;
  /** A lowercase phrase such as "expected ',' or '}' after a property value". */
  reason: string;
}

type State = "value" | "valueOrClose" | "key" | "keyOrClose" | "colon" | "afterValue";

/**
 * Finds the first syntax error in a JSON text (RFC 8259), or returns `null` when the text is
 * valid. Only called after `JSON.parse` has failed: V8's messages do not always carry a position
 * and change between Node versions, so users get one stable wording from here instead.
 *
 * Iterative (an explicit bracket stack), so deeply nested input cannot overflow the call stack.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxErrorLocation | null {
  const closers: string[] = [];
  let state: State = "value";
  let i = 0;
  const n = text.length;
  const fail = (position: number, reason: string): JsonSyntaxErrorLocation =>
    withLineAndColumn(text, position, reason);

  for (;;) {
    while (i < n && isWhitespace(text.charCodeAt(i))) i++;
    if (i >= n) {
      if (state === "afterValue" && closers.length === 0) return null;
      return fail(n, n === 0 ? "the input is empty" : "unexpected end of input");
    }
    const c = text[i] ?? "";
    switch (state) {
      case "value":
      case "valueOrClose": {
        if (state === "valueOrClose" && c === "]") {
          closers.pop();
          i++;
          state = "afterValue";
          break;
        }
        if (c === "{" || c === "[") {
          closers.push(c === "{" ? "}" : "]");
          i++;
          state = c === "{" ? "keyOrClose" : "valueOrClose";
          break;
        }
        const end = scanScalar(text, i);
        if (typeof end !== "number") return fail(end.position, end.reason);
        i = end;
        state = "afterValue";
        break;
      }
      case "key":
      case "keyOrClose": {
        if (state === "keyOrClose" && c === "}") {
          closers.pop();
          i++;
          state = "afterValue";
          break;
        }
        if (c !== '"') {
          return fail(i, `expected a property name in double quotes, found ${describe(c)}`);
        }
        const end = scanString(text, i);
        if (typeof end !== "number") return fail(end.position, end.reason);
        i = end;
        state = "colon";
        break;
      }
      case "colon":
        if (c !== ":") return fail(i, `expected ':' after a property name, found ${describe(c)}`);
        i++;
        state = "value";
        break;
      case "afterValue": {
        const closer = closers.at(-1);
        if (closer === undefined) {
          return fail(i, `unexpected ${describe(c)} after the end of the JSON value`);
        }
        if (c === ",") {
          i++;
          state = closer === "}" ? "key" : "value";
        } else if (c === closer) {
          closers.pop();
          i++;
        } else {
          const after = closer === "}" ? "a property value" : "an array element";
          return fail(i, `expected ',' or '${closer}' after ${after}, found ${describe(c)}`);
        }
        break;
      }
    }
  }
}

interface ScanFailure {
  position: number;
  reason: string;
}

function scanScalar(text: string, i: number): number | ScanFailure {
  const c = text[i] ?? "";
  if (c === '"') return scanString(text, i);
  if (c === "-" || (c >= "0" && c <= "9")) return scanNumber(text, i);
  for (const literal of ["true", "false", "null"]) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  return { position: i, reason: `expected a value, found ${describe(c)}` };
}

function scanString(text: string, start: number): number | ScanFailure {
  let j = start + 1;
  for (;;) {
    if (j >= text.length) return { position: start, reason: "unterminated string" };
    const code = text.charCodeAt(j);
    if (code === 0x22) return j + 1;
    if (code < 0x20) {
      return { position: j, reason: "control character inside a string (it must be escaped)" };
    }
    if (code === 0x5c) {
      const next = text[j + 1] ?? "";
      if (next === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
          return { position: j, reason: "a \\u escape needs four hex digits" };
        }
        j += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(next) || next === "") {
        return { position: j, reason: `invalid escape sequence \\${next}` };
      }
      j += 2;
      continue;
    }
    j++;
  }
}

function scanNumber(text: string, start: number): number | ScanFailure {
  const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  match.lastIndex = start;
  const found = match.exec(text);
  const end = found === null ? start : start + found[0].length;
  // A number must not run straight into more digits, a dot or an exponent it could not take.
  if (found === null || /[0-9.eE+-]/.test(text[end] ?? "")) {
    return { position: found === null ? start : end, reason: "invalid number" };
  }
  return end;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function describe(c: string): string {
  return c === "" ? "the end of input" : JSON.stringify(c);
}

function withLineAndColumn(
  text: string,
  position: number,
  reason: string,
): JsonSyntaxErrorLocation {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < position && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { position, line, column: position - lineStart + 1, reason };
}
