import { describe, expect, it } from "vitest";

import { appendJsonPointer, isJsonPointerWithin, toJsonPointer } from "./json-pointer.ts";

describe("JSON Pointer helpers", () => {
  it("builds pointers with RFC 6901 escaping", () => {
    expect(toJsonPointer([])).toBe("");
    expect(toJsonPointer(["system", "users", 1, "name"])).toBe("/system/users/1/name");
    expect(appendJsonPointer("/a", "b/c~d")).toBe("/a/b~1c~0d");
  });

  it("compares whole segments when checking containment", () => {
    expect(isJsonPointerWithin("/os/branch", "/os")).toBe(true);
    expect(isJsonPointerWithin("/os", "/os")).toBe(true);
    expect(isJsonPointerWithin("/osx", "/os")).toBe(false);
    expect(isJsonPointerWithin("/anything", "")).toBe(true);
  });
});
