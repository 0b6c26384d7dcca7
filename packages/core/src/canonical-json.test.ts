import { describe, expect, it } from "vitest";

import { canonicalJson, contentHash } from "./canonical-json.ts";
import { DomainError } from "./errors.ts";

function expectBadInput(run: () => unknown, path?: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("BAD_INPUT");
    if (path !== undefined) expect((error as DomainError).details?.["path"]).toBe(path);
    return;
  }
  expect.fail("expected a BAD_INPUT DomainError");
}

describe("canonicalJson", () => {
  it("sorts keys at every level and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("gives the same output whatever the key insertion order", () => {
    const one = { os: { release: "bookworm", branch: "current" }, board: "rock-5b" };
    const two = { board: "rock-5b", os: { branch: "current", release: "bookworm" } };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(contentHash(one)).toBe(contentHash(two));
  });

  it("sorts keys by UTF-16 code units as RFC 8785 does", () => {
    // RFC 8785 section 3.2.3 example.
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    expect(keys).toEqual(["1", "\r", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"]);
    // Object.keys lists integer-like keys first, so check the raw text order too.
    expect(canonicalJson(input).indexOf('"\\r"')).toBeLessThan(canonicalJson(input).indexOf('"1"'));
  });

  it("normalises numbers to the shortest round-trip form", () => {
    expect(canonicalJson(1.0)).toBe("1");
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(1e21)).toBe("1e+21");
    expect(canonicalJson(1e20)).toBe("100000000000000000000");
    expect(canonicalJson(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(canonicalJson(JSON.parse("[4.50, 2e-3, 1E30, 0.000000000000000000000000001]"))).toBe(
      "[4.5,0.002,1e+30,1e-27]",
    );
  });

  it("reproduces the RFC 8785 section 3.2.2 example", () => {
    const input: unknown = JSON.parse(
      String.raw`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],` +
        String.raw`"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
    );
    expect(canonicalJson(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],` +
        String.raw`"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it("matches an RFC 8785 vector: number edge cases, escapes and UTF-16 key order", () => {
    // The expected text is written by hand from RFC 8785: numbers as ECMAScript Number::toString
    // (section 3.2.2.3, appendix B), strings escaped as section 3.2.2.2 says (only controls, '"'
    // and '\'; DEL and U+2028 stay raw), keys sorted by UTF-16 code units (section 3.2.3), so
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 although its code point is higher.
    const input: unknown = JSON.parse(
      String.raw`{"\ufb33":"dalet","\ud83d\ude00":"grinning","\u00e9":3,"numbers":[1E21,1e20,1E-7,` +
        String.raw`0.000001,-0,5e-324,1.7976931348623157e308,9007199254740993,0.1e1,` +
        String.raw`295147905179352825856],"escapes":"\b\t\n\f\r\"\\\/\u001F\u007f\u2028","a":2,"B":1}`,
    );
    const expected =
      String.raw`{"B":1,"a":2,"escapes":"\b\t\n\f\r\"\\/\u001f` +
      "\u007f\u2028" +
      String.raw`","numbers":[1e+21,100000000000000000000,1e-7,0.000001,0,5e-324,` +
      String.raw`1.7976931348623157e+308,9007199254740992,1,295147905179352830000],` +
      '"\u00e9":3,"\ud83d\ude00":"grinning","\ufb33":"dalet"}';
    expect(canonicalJson(input)).toBe(expected);
    // sha256sum of the expected text above, encoded as UTF-8.
    expect(contentHash(input)).toBe(
      "0fac7fb0c9e0351bf4f8cc6f5968aa155a3a18a8998056c63ae6246e7e63aab9",
    );
  });

  it("keeps non-ASCII text as is and escapes only what JSON requires", () => {
    expect(canonicalJson({ name: "Grüße 😀 \u2028", ctl: "\u0001\t" })).toBe(
      '{"ctl":"\\u0001\\t","name":"Grüße 😀 \u2028"}',
    );
  });

  it("leaves out object properties that are undefined", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it.each([
    ["NaN", NaN, ""],
    ["Infinity", { a: [Infinity] }, "/a/0"],
    ["undefined at the root", undefined, ""],
    ["undefined in an array", [1, undefined], "/1"],
    ["a hole in an array", [1, , 3], "/1"], // eslint-disable-line no-sparse-arrays
    ["a function", { f: () => 1 }, "/f"],
    // The next three are what a JCS library would silently turn into null, "x" and 1.
    ["a function in an array", [() => 1], "/0"],
    ["an object with toJSON", { v: { toJSON: () => "x" } }, "/v/toJSON"],
    ["a boxed number", { n: new Number(1) }, "/n"],
    ["a bigint", { n: 1n }, "/n"],
    ["a Date", { at: new Date(0) }, "/at"],
    ["a Map", new Map(), ""],
    ["a symbol", Symbol("s"), ""],
    ["a lone surrogate", { s: "\ud800" }, "/s"],
    ["a key with a lone surrogate", { "\udc00": 1 }, "/\udc00"],
  ])("rejects %s with BAD_INPUT", (_name, value, path) => {
    expectBadInput(() => canonicalJson(value), path);
  });

  it("rejects cycles instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = cyclic;
    expectBadInput(() => canonicalJson(cyclic), "/self");
  });

  it("accepts shared references that are not cycles", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it("accepts null-prototype objects", () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare["k"] = "v";
    expect(canonicalJson(bare)).toBe('{"k":"v"}');
  });
});

describe("contentHash", () => {
  it("is the lowercase hex SHA-256 of the canonical UTF-8 bytes", () => {
    // printf '%s' '{"a":1,"b":[true,null,"x"]}' | sha256sum
    expect(contentHash({ b: [true, null, "x"], a: 1.0 })).toBe(
      "eca8cfb31ab74533e1eb2f4c74d2d55dfe3c79ac704787e54be8647ea7777eb1",
    );
    // printf '%s' '"abc"' | sha256sum
    expect(contentHash("abc")).toBe(
      "6cc43f858fbb763301637b5af970e2a46b46f461f27e5a0f41e009c59b827b25",
    );
  });

  it("differs when any value differs", () => {
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: "1" })).not.toBe(contentHash({ a: 1 }));
  });
});
