import type { JsonObject } from "@bbos/core";
import type { Operation } from "fast-json-patch";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";

import { captureDomainError } from "../test/capture-domain-error.ts";
import { createConfigDoc, forkDoc, recordUpdates, syncDocs, typicalConfig } from "../test/docs.ts";
import { applyJsonPatch } from "./apply-json-patch.ts";
import { configRoot } from "./config-root.ts";
import { readConfig } from "./read-config.ts";
import { writeConfig } from "./write-config.ts";

/** typical.json with `edit` applied to a copy: the expected result of a patch. */
function typicalWith(edit: (config: ReturnType<typeof typicalConfig>) => void): JsonObject {
  const config = typicalConfig();
  edit(config);
  return config;
}

function patched(operations: Operation[]) {
  const doc = createConfigDoc();
  applyJsonPatch(doc, operations);
  return readConfig(doc);
}

describe("applyJsonPatch operations", () => {
  it("adds an object key", () => {
    expect(patched([{ op: "add", path: "/system/motd", value: "hi" }])).toEqual(
      typicalWith((c) => Object.assign(c.system, { motd: "hi" })),
    );
  });

  it("adds over an existing object key, as RFC 6902 says", () => {
    expect(patched([{ op: "add", path: "/system/hostname", value: "x" }])).toEqual(
      typicalWith((c) => (c.system.hostname = "x")),
    );
  });

  it("inserts into an array at an index and appends with -", () => {
    expect(
      patched([
        { op: "add", path: "/packages/install/0", value: "first" },
        { op: "add", path: "/packages/install/-", value: "last" },
        { op: "add", path: "/packages/install/7", value: "after-last" },
      ]).packages,
    ).toEqual({
      install: ["first", "htop", "curl", "git", "vim", "tmux", "i2c-tools", "after-last", "last"],
      remove: [],
    });
  });

  it("adds a nested value and edits inside it within one patch", () => {
    const config = patched([
      { op: "add", path: "/extra", value: { list: ["a"] } },
      { op: "add", path: "/extra/list/-", value: "b" },
      { op: "replace", path: "/extra/list/0", value: "A" },
    ]);
    expect(config["extra"]).toEqual({ list: ["A", "b"] });
  });

  it("removes an object key and an array element", () => {
    expect(
      patched([
        { op: "remove", path: "/system/keyboard" },
        { op: "remove", path: "/packages/install/1" },
      ]),
    ).toEqual(
      typicalWith((c) => {
        Reflect.deleteProperty(c.system, "keyboard");
        c.packages.install.splice(1, 1);
      }),
    );
  });

  it("replaces an object key, an array element and a whole subtree", () => {
    expect(
      patched([
        { op: "replace", path: "/system/hostname", value: "lab-2" },
        { op: "replace", path: "/packages/install/0", value: "btop" },
        { op: "replace", path: "/image", value: { rootfs: "btrfs" } },
      ]),
    ).toEqual(
      typicalWith((c) => {
        c.system.hostname = "lab-2";
        c.packages.install[0] = "btop";
        Object.assign(c, { image: { rootfs: "btrfs" } });
      }),
    );
  });

  it("moves values between keys and within an array", () => {
    expect(
      patched([
        { op: "move", from: "/system/keyboard", path: "/os/keyboard" },
        { op: "move", from: "/packages/install/0", path: "/packages/install/-" },
        { op: "move", from: "/system/users/0", path: "/system/users/0" },
      ]),
    ).toEqual(
      typicalWith((c) => {
        Object.assign(c.os, { keyboard: c.system.keyboard });
        Reflect.deleteProperty(c.system, "keyboard");
        c.packages.install.push(...c.packages.install.splice(0, 1));
      }),
    );
  });

  it("evaluates a move's target after removing its source (RFC 6902 section 4.4)", () => {
    const doc = createConfigDoc({ list: ["a", "b", "c", "d"] });
    applyJsonPatch(doc, [{ op: "move", from: "/list/1", path: "/list/3" }]);
    expect(readConfig(doc)).toEqual({ list: ["a", "c", "d", "b"] });
  });

  it("copies a subtree, which stays independent of its source", () => {
    const doc = createConfigDoc();
    applyJsonPatch(doc, [
      { op: "copy", from: "/system/ssh", path: "/backupSsh" },
      { op: "replace", path: "/backupSsh/port", value: 2222 },
    ]);
    expect(readConfig(doc)).toEqual({
      ...typicalConfig(),
      backupSsh: { ...typicalConfig().system.ssh, port: 2222 },
    });
  });

  it("passes a test that matches, regardless of key order", () => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    applyJsonPatch(doc, [
      {
        op: "test",
        path: "/system/ssh",
        value: { port: 22, permitRootLogin: "no", passwordAuthentication: false, enabled: true },
      },
      { op: "test", path: "/packages/install/5", value: "i2c-tools" },
    ]);
    expect(readConfig(doc)).toEqual(typicalConfig());
    expect(origins).toEqual([]);
  });

  it("replaces the whole config at the root pointer", () => {
    expect(patched([{ op: "replace", path: "", value: { board: "qemu-arm64" } }])).toEqual({
      board: "qemu-arm64",
    });
  });

  it("handles keys that need escaping", () => {
    const doc = createConfigDoc({ "a/b": { "~": 1 } });
    applyJsonPatch(doc, [
      { op: "replace", path: "/a~1b/~0", value: 2 },
      { op: "add", path: "/a~1b/x~1y~0z", value: 3 },
    ]);
    expect(readConfig(doc)).toEqual({ "a/b": { "~": 2, "x/y~z": 3 } });
  });

  it("stores a __proto__ key as data without touching any prototype", () => {
    const doc = createConfigDoc({});
    applyJsonPatch(doc, [
      { op: "add", path: "/nested", value: {} },
      { op: "add", path: "/nested/__proto__", value: { polluted: true } },
    ]);
    const nested = readConfig(doc)["nested"] as object;
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(Object.hasOwn(nested, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});

describe("applyJsonPatch writes", () => {
  it("applies the whole patch in one update with the given origin", () => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    applyJsonPatch(
      doc,
      [
        { op: "replace", path: "/system/hostname", value: "a" },
        { op: "add", path: "/packages/install/-", value: "b" },
      ],
      "user-42",
    );
    expect(origins).toEqual(["user-42"]);
  });

  it("emits no update for an empty patch", () => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    applyJsonPatch(doc, []);
    expect(origins).toEqual([]);
  });

  it("sets one map key for a replace and keeps every other Yjs type in place", () => {
    const doc = createConfigDoc();
    const root = configRoot(doc);
    const system = root.get("system") as Y.Map<unknown>;
    const users = system.get("users");
    const install = (root.get("packages") as Y.Map<unknown>).get("install");
    applyJsonPatch(doc, [{ op: "replace", path: "/system/hostname", value: "lab-2" }]);
    expect(root.get("system")).toBe(system);
    expect(system.get("users")).toBe(users);
    expect((root.get("packages") as Y.Map<unknown>).get("install")).toBe(install);
    expect(system.get("hostname")).toBe("lab-2");
  });

  it("does not keep a reference to the caller's values", () => {
    const doc = createConfigDoc({});
    const value = { list: ["a"] };
    applyJsonPatch(doc, [{ op: "add", path: "/x", value }]);
    value.list.push("mutated");
    expect(readConfig(doc)).toEqual({ x: { list: ["a"] } });
  });

  it("upgrades an object stored as one plain value to Yjs types when a patch reaches into it", () => {
    const doc = new Y.Doc();
    const root = configRoot(doc);
    root.set("legacy", { list: [1, 2], keep: "yes" });
    applyJsonPatch(doc, [{ op: "add", path: "/legacy/list/1", value: 1.5 }]);
    expect(readConfig(doc)).toEqual({ legacy: { list: [1, 1.5, 2], keep: "yes" } });
    expect(root.get("legacy")).toBeInstanceOf(Y.Map);
    expect((root.get("legacy") as Y.Map<unknown>).get("list")).toBeInstanceOf(Y.Array);
  });
});

describe("applyJsonPatch rejections", () => {
  const invalid: [string, unknown[], string, string][] = [
    [
      "an add whose parent is missing",
      [{ op: "add", path: "/nope/x", value: 1 }],
      "PATH_NOT_FOUND",
      "/nope/x",
    ],
    [
      "an add below a string",
      [{ op: "add", path: "/system/hostname/x", value: 1 }],
      "NOT_A_CONTAINER",
      "/system/hostname/x",
    ],
    [
      "a remove of a missing key",
      [{ op: "remove", path: "/system/nope" }],
      "PATH_NOT_FOUND",
      "/system/nope",
    ],
    [
      "a remove of an inherited property",
      [{ op: "remove", path: "/system/toString" }],
      "PATH_NOT_FOUND",
      "/system/toString",
    ],
    [
      "a replace of a missing key",
      [{ op: "replace", path: "/system/nope", value: 1 }],
      "PATH_NOT_FOUND",
      "/system/nope",
    ],
    [
      "a replace at -",
      [{ op: "replace", path: "/packages/install/-", value: 1 }],
      "INVALID_ARRAY_INDEX",
      "/packages/install/-",
    ],
    [
      "a replace past the array's end",
      [{ op: "replace", path: "/packages/install/6", value: 1 }],
      "PATH_NOT_FOUND",
      "/packages/install/6",
    ],
    [
      "an index with a leading zero",
      [{ op: "add", path: "/packages/install/01", value: 1 }],
      "INVALID_ARRAY_INDEX",
      "/packages/install/01",
    ],
    [
      "an empty array index",
      [{ op: "add", path: "/packages/install/", value: 1 }],
      "INVALID_ARRAY_INDEX",
      "/packages/install/",
    ],
    [
      "an add past the array's end",
      [{ op: "add", path: "/packages/install/7", value: 1 }],
      "INDEX_OUT_OF_BOUNDS",
      "/packages/install/7",
    ],
    [
      "a move into its own child",
      [{ op: "move", from: "/system", path: "/system/ssh/inner" }],
      "MOVE_INTO_ITSELF",
      "/system/ssh/inner",
    ],
    [
      "a move from a missing path",
      [{ op: "move", from: "/nope", path: "/x" }],
      "PATH_NOT_FOUND",
      "/nope",
    ],
    [
      "a copy from a missing path",
      [{ op: "copy", from: "/system/nope", path: "/x" }],
      "PATH_NOT_FOUND",
      "/system/nope",
    ],
    ["a remove of the root", [{ op: "remove", path: "" }], "ROOT_NOT_OBJECT", ""],
    [
      "a replace of the root by an array",
      [{ op: "replace", path: "", value: [] }],
      "ROOT_NOT_OBJECT",
      "",
    ],
    ["a Date value", [{ op: "add", path: "/when", value: new Date(0) }], "NOT_JSON", "/when"],
    [
      "NaN inside a value",
      [{ op: "add", path: "/x", value: { n: [Number.NaN] } }],
      "NOT_JSON",
      "/x/n/0",
    ],
    ["an unknown op", [{ op: "merge", path: "/x", value: 1 }], "INVALID_OPERATION", ""],
    ["fast-json-patch's internal _get", [{ op: "_get", path: "/board" }], "INVALID_OPERATION", ""],
    ["an operation that is not an object", ["add"], "INVALID_OPERATION", ""],
    ["a missing value", [{ op: "add", path: "/x" }], "INVALID_OPERATION", "/x"],
    ["a missing from", [{ op: "copy", path: "/x" }], "INVALID_OPERATION", "/x"],
    [
      "a path without a leading slash",
      [{ op: "remove", path: "board" }],
      "INVALID_POINTER",
      "board",
    ],
    ["a malformed escape", [{ op: "remove", path: "/a~2" }], "INVALID_POINTER", "/a~2"],
    [
      "a failed test",
      [{ op: "test", path: "/system/hostname", value: "other" }],
      "TEST_FAILED",
      "/system/hostname",
    ],
    [
      "a test of a missing path",
      [{ op: "test", path: "/system/nope", value: null }],
      "TEST_FAILED",
      "/system/nope",
    ],
  ];

  it.each(invalid)(
    "rejects %s with BAD_INPUT, changing nothing",
    (_what, operations, reason, path) => {
      const doc = createConfigDoc();
      const origins = recordUpdates(doc);
      const error = captureDomainError(() => applyJsonPatch(doc, operations as Operation[]));
      expect(error.code).toBe("BAD_INPUT");
      expect(error.details).toMatchObject({ reason, path, operationIndex: 0 });
      expect(readConfig(doc)).toEqual(typicalConfig());
      expect(origins).toEqual([]);
    },
  );

  it("rejects the whole patch when a later operation fails, including after a failed test", () => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    const error = captureDomainError(() =>
      applyJsonPatch(doc, [
        { op: "replace", path: "/system/hostname", value: "changed" },
        { op: "add", path: "/packages/install/-", value: "nano" },
        { op: "test", path: "/system/hostname", value: "rock5b-lab" },
      ]),
    );
    expect(error.details).toEqual({
      path: "/system/hostname",
      operationIndex: 2,
      op: "test",
      reason: "TEST_FAILED",
    });
    expect(error.message).toBe(
      'JSON Patch operation 2 (test "/system/hostname"): test failed: the value differs',
    );
    expect(readConfig(doc)).toEqual(typicalConfig());
    expect(origins).toEqual([]);
  });

  it("rejects a patch that is not an array", () => {
    const error = captureDomainError(() => applyJsonPatch(createConfigDoc(), {} as never));
    expect(error.details).toMatchObject({ reason: "INVALID_OPERATION" });
  });
});

describe("applyJsonPatch with concurrent peers", () => {
  it("merges edits that two peers make to different fields at the same time", () => {
    const a = createConfigDoc();
    const b = forkDoc(a);
    applyJsonPatch(a, [{ op: "replace", path: "/system/hostname", value: "from-a" }]);
    applyJsonPatch(b, [{ op: "add", path: "/packages/install/-", value: "from-b" }]);

    syncDocs(a, b);

    const expected = typicalWith((c) => {
      c.system.hostname = "from-a";
      c.packages.install.push("from-b");
    });
    expect(readConfig(a)).toEqual(expected);
    expect(readConfig(b)).toEqual(expected);
  });

  it("merges inserts that two peers make into the same array", () => {
    const a = createConfigDoc();
    const b = forkDoc(a);
    applyJsonPatch(a, [{ op: "add", path: "/packages/install/0", value: "from-a" }]);
    applyJsonPatch(b, [
      { op: "remove", path: "/packages/install/5" },
      { op: "add", path: "/packages/install/-", value: "from-b" },
    ]);

    syncDocs(a, b);

    expect(readConfig(a)).toEqual(readConfig(b));
    expect((readConfig(a)["packages"] as { install: string[] }).install).toEqual([
      "from-a",
      "htop",
      "curl",
      "git",
      "vim",
      "tmux",
      "from-b",
    ]);
  });

  it("loses a concurrent edit when the whole tree is rewritten instead (the control case)", () => {
    const a = createConfigDoc();
    const b = forkDoc(a);
    writeConfig(
      a,
      typicalWith((c) => (c.system.hostname = "from-a")),
    );
    applyJsonPatch(b, [{ op: "add", path: "/packages/install/-", value: "from-b" }]);

    syncDocs(a, b);

    expect(readConfig(a)).toEqual(readConfig(b));
    expect(readConfig(a)).toEqual(typicalWith((c) => (c.system.hostname = "from-a")));
  });
});
