import { describe, expect, it } from "vitest";

import { InvalidObjectKeyError } from "../errors.ts";
import { assertKeyPrefix, assertObjectKey } from "./object-key.ts";

describe("assertObjectKey", () => {
  it.each([
    "a",
    "builds/42/image.img.zst",
    "builds/42/SHA256SUMS",
    ".hidden",
    "a/..b/c..",
    "x".repeat(512),
  ])("accepts %j", (key) => {
    expect(() => assertObjectKey(key)).not.toThrow();
  });

  it.each([
    ["", "must not be empty"],
    ["../../etc/passwd", "'..' segments"],
    ["builds/../../etc/passwd", "'..' segments"],
    ["builds/./x", "'.' segments"],
    [".", "'.' segments"],
    ["/etc/passwd", "empty segment"],
    ["builds/", "empty segment"],
    ["a//b", "empty segment"],
    ["a\0b", "only letters"],
    ["a\\b", "only letters"],
    ["C:\\Windows", "only letters"],
    ["a b", "only letters"],
    ["a~b", "only letters"],
    ["ü", "only letters"],
    ["x".repeat(513), "longer than 512"],
  ])("refuses %j (%s)", (key, reason) => {
    expect(() => assertObjectKey(key)).toThrow(InvalidObjectKeyError);
    expect(() => assertObjectKey(key)).toThrow(reason);
  });

  it("refuses a key that is not a string", () => {
    expect(() => assertObjectKey(42)).toThrow("a key must be a string");
  });

  it("quotes the key in the message, so control characters cannot reach a log raw", () => {
    expect(() => assertObjectKey("a\0b\n")).toThrow('"a\\u0000b\\n"');
  });
});

describe("assertKeyPrefix", () => {
  it.each(["builds/42/", "builds/42", "builds/", "b", "builds/42/image."])(
    "accepts %j",
    (prefix) => {
      expect(() => assertKeyPrefix(prefix)).not.toThrow();
    },
  );

  it.each([
    ["", "must not be empty"],
    ["/", "empty segment"],
    ["/builds/", "empty segment"],
    ["../", "'..' segments"],
    ["builds/../", "'..' segments"],
    ["a//", "empty segment"],
    ["a\0", "only letters"],
  ])("refuses %j (%s)", (prefix, reason) => {
    expect(() => assertKeyPrefix(prefix)).toThrow(InvalidObjectKeyError);
    expect(() => assertKeyPrefix(prefix)).toThrow(reason);
  });
});
