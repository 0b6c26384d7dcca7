import { describe, expect, it } from "vitest";

import { captureDomainError } from "../test/capture-domain-error.ts";
import { fieldPathToPointer, pointerToFieldPath } from "./field-path.ts";

describe("fieldPathToPointer and pointerToFieldPath", () => {
  it("builds pointers with RFC 6901 escaping", () => {
    expect(fieldPathToPointer([])).toBe("");
    expect(fieldPathToPointer(["system", "users", 0, "name"])).toBe("/system/users/0/name");
    expect(fieldPathToPointer(["a/b", "~", "~1", ""])).toBe("/a~1b/~0/~01/");
  });

  it("parses pointers into unescaped string segments, indices included", () => {
    expect(pointerToFieldPath("")).toEqual([]);
    expect(pointerToFieldPath("/system/users/0/name")).toEqual(["system", "users", "0", "name"]);
    expect(pointerToFieldPath("/a~1b/~0/~01/")).toEqual(["a/b", "~", "~1", ""]);
    expect(pointerToFieldPath("/")).toEqual([""]);
  });

  it.each([
    [[]],
    [["system", "hostname"]],
    [["a/b/c", "~0", "~~//", "", " "]],
    [["packages", "install", "-"]],
    [["ünïcödé", "日本"]],
  ])("round-trips %j", (segments) => {
    expect(pointerToFieldPath(fieldPathToPointer(segments))).toEqual(segments);
  });

  it("round-trips numeric segments as strings", () => {
    expect(pointerToFieldPath(fieldPathToPointer(["users", 10]))).toEqual(["users", "10"]);
  });

  it.each(["system", "#/system", "/a~", "/a~2", "/~x"])("rejects %j with BAD_INPUT", (pointer) => {
    const error = captureDomainError(() => pointerToFieldPath(pointer));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.details).toEqual({ path: pointer });
  });
});
