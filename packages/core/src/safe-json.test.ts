import { afterEach, describe, expect, it } from "vitest";

import { captureDomainError as captureError } from "../test/capture-domain-error.ts";
import { parseConfigJson } from "./safe-json.ts";

afterEach(() => {
  // Belt and braces: a failing pollution test must not leak into the others.
  delete (Object.prototype as Record<string, unknown>)["polluted"];
});

describe("parseConfigJson with text", () => {
  it("parses valid JSON into fresh plain data", () => {
    const value = parseConfigJson('{"board":"rock-5b","n":[1,2.5,-0],"ok":true,"x":null}');
    expect(value).toEqual({ board: "rock-5b", n: [1, 2.5, 0], ok: true, x: null });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.is((value as { n: number[] }).n[2], 0)).toBe(true);
  });

  it("rejects text over the byte limit with PAYLOAD_TOO_LARGE", () => {
    const tenMegabytes = `{"blob":"${"a".repeat(10 * 1024 * 1024)}"}`;
    const error = captureError(() => parseConfigJson(tenMegabytes));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toContain("1 MiB");
  });

  it("counts UTF-8 bytes, not characters, against the limit", () => {
    const text = JSON.stringify("€".repeat(400)); // 1200 bytes + quotes in 402 characters
    expect(parseConfigJson(text, { maxBytes: 1202 })).toBe("€".repeat(400));
    expect(captureError(() => parseConfigJson(text, { maxBytes: 1201 })).code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
  });

  it.each([
    ["not JSON at all", "board: rock-5b", 1, 1, 0],
    ["a trailing comma", '{"a":1,}', 1, 8, 7],
    ["a missing colon", '{\n  "a" 1\n}', 2, 7, 8],
    ["an unterminated string", '{"a":"x', 1, 6, 5],
    ["text after the value", '{"a":1} x', 1, 9, 8],
    ["single quotes", "{'a':1}", 1, 2, 1],
    ["a leading zero", '{"a":01}', 1, 7, 6],
    ["an empty text", "", 1, 1, 0],
  ])(
    "reports %s as BAD_INPUT with line, column and position",
    (_name, text, line, column, position) => {
      const error = captureError(() => parseConfigJson(text));
      expect(error.code).toBe("BAD_INPUT");
      expect(error.details).toMatchObject({ line, column, position });
      expect(error.message).toMatch(/^The config is not valid JSON at line \d+, column \d+/);
      expect(error.cause).toBeInstanceOf(SyntaxError);
    },
  );

  it("names the reason in words and counts lines like an editor", () => {
    const error = captureError(() => parseConfigJson('{\r\n  "a": 1 /* note */\r\n}'));
    expect(error.message).toBe(
      "The config is not valid JSON at line 2, column 10 (position 12): invalid comment token.",
    );
  });

  it("still reports BAD_INPUT for broken text nested deeper than the locator can follow", () => {
    const depth = 200_000;
    const text = "[".repeat(depth) + "x" + "]".repeat(depth);
    const error = captureError(() => parseConfigJson(text, { maxDepth: depth }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toMatch(/^The config is not valid JSON: /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("rejects nesting deeper than the limit without parsing it", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const error = captureError(() => parseConfigJson(deep));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain("deeper than the limit of 32");
    expect(error.details).toMatchObject({ position: 32 });
  });

  it("accepts nesting exactly at the limit and ignores brackets inside strings", () => {
    const atLimit = "[".repeat(32) + "]".repeat(32);
    expect(() => parseConfigJson(atLimit)).not.toThrow();
    expect(parseConfigJson(`{"a":"${"[".repeat(100)}"}`)).toEqual({ a: "[".repeat(100) });
    expect(captureError(() => parseConfigJson("[".repeat(33) + "]".repeat(33))).code).toBe(
      "BAD_INPUT",
    );
  });

  it.each([
    ['{"__proto__":{"polluted":1}}', "/__proto__"],
    [
      '{"system":{"users":[{"constructor":{"prototype":{"polluted":1}}}]}}',
      "/system/users/0/constructor",
    ],
    ['{"a":{"prototype":1}}', "/a/prototype"],
  ])("rejects forbidden keys in %s, naming the path", (text, path) => {
    const error = captureError(() => parseConfigJson(text));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.details?.["path"]).toBe(path);
    expect(error.message).toContain(path);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("escapes JSON Pointer characters in reported paths", () => {
    const error = captureError(() => parseConfigJson('{"a/b":{"c~d":{"__proto__":1}}}'));
    expect(error.details?.["path"]).toBe("/a~1b/c~0d/__proto__");
  });
});

describe("parseConfigJson with an already-parsed value", () => {
  it("returns a deep copy, never the caller's objects", () => {
    const input = { a: { b: [1, { c: "d" }] } };
    const copy = parseConfigJson(input);
    expect(copy).toEqual(input);
    expect(copy).not.toBe(input);
    expect((copy as typeof input).a).not.toBe(input.a);
  });

  it("rejects a JSON.parse result carrying __proto__ and leaves Object.prototype alone", () => {
    const parsed: unknown = JSON.parse('{"__proto__":{"polluted":1}}');
    const error = captureError(() => parseConfigJson(parsed));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.details?.["path"]).toBe("/__proto__");
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("turns null-prototype objects into plain ones", () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare["k"] = 1;
    const copy = parseConfigJson(bare);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it.each([
    ["a function", { f: () => 1 }, "/f"],
    ["a Date", { at: new Date(0) }, "/at"],
    ["a bigint", { n: 1n }, "/n"],
    ["NaN", { n: NaN }, "/n"],
    ["undefined in an array", { a: [undefined] }, "/a/0"],
    ["undefined at the root", undefined, ""],
  ])("rejects %s with BAD_INPUT", (_name, value, path) => {
    const error = captureError(() => parseConfigJson(value));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.details?.["path"]).toBe(path);
  });

  it("drops object properties that are undefined", () => {
    expect(parseConfigJson({ a: 1, b: undefined })).toEqual({ a: 1 });
  });

  it("rejects 10k-deep and cyclic objects without a stack overflow", () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { child: deep };
    expect(captureError(() => parseConfigJson(deep)).code).toBe("BAD_INPUT");

    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(captureError(() => parseConfigJson(cyclic)).code).toBe("BAD_INPUT");
  });

  it("rejects shared references that would explode into too many values", () => {
    let wide: unknown = [0];
    for (let i = 0; i < 30; i++) wide = [wide, wide];
    expect(captureError(() => parseConfigJson(wide, { maxNodes: 10_000 })).code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
  });

  it("applies the byte budget to large strings in objects", () => {
    const error = captureError(() => parseConfigJson({ blob: "a".repeat(10 * 1024 * 1024) }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});
