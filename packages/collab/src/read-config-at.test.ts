import * as Y from "yjs";
import { describe, expect, it } from "vitest";

import { captureDomainError } from "../test/capture-domain-error.ts";
import { createConfigDoc } from "../test/docs.ts";
import { configRoot } from "./config-root.ts";
import { readConfigAt } from "./read-config-at.ts";
import { readConfig } from "./read-config.ts";

describe("readConfigAt", () => {
  it("returns the JSON value at a pointer", () => {
    const doc = createConfigDoc();
    expect(readConfigAt(doc, "/system/hostname")).toBe("rock5b-lab");
    expect(readConfigAt(doc, "/system/users/0/name")).toBe("alice");
    expect(readConfigAt(doc, "/packages/install/1")).toBe("curl");
    expect(readConfigAt(doc, "/system/ssh")).toEqual({
      enabled: true,
      passwordAuthentication: false,
      permitRootLogin: "no",
      port: 22,
    });
    expect(readConfigAt(doc, "/kernel/cmdline")).toBe("");
    expect(readConfigAt(doc, "")).toEqual(readConfig(doc));
  });

  it.each([
    ["a missing key", "/system/nope"],
    ["an index past the end", "/packages/install/6"],
    ['"-"', "/packages/install/-"],
    ["an index with a leading zero", "/packages/install/01"],
    ["a path through a string", "/system/hostname/0"],
    ["an inherited property", "/system/toString"],
  ])("returns undefined for %s", (_what, pointer) => {
    expect(readConfigAt(createConfigDoc(), pointer)).toBeUndefined();
  });

  it("unescapes ~1 and ~0 in keys", () => {
    const doc = createConfigDoc({ "a/b": { "~": 1, "~1": 2 } });
    expect(readConfigAt(doc, "/a~1b/~0")).toBe(1);
    expect(readConfigAt(doc, "/a~1b/~01")).toBe(2);
  });

  it("reads inside objects and arrays stored as one plain value", () => {
    const doc = new Y.Doc();
    configRoot(doc).set("legacy", { list: [1, { deep: "yes" }] });
    expect(readConfigAt(doc, "/legacy/list/1/deep")).toBe("yes");
    expect(readConfigAt(doc, "/legacy/list/2")).toBeUndefined();
  });

  it.each(["system/hostname", "/a~2b", "/a~"])(
    "rejects %s, which is not a JSON Pointer",
    (pointer) => {
      const error = captureDomainError(() => readConfigAt(createConfigDoc(), pointer));
      expect(error.code).toBe("BAD_INPUT");
      expect(error.details).toEqual({ path: pointer });
    },
  );
});
