import { describe, expect, it } from "vitest";

import { firstUser, typicalConfig } from "../test/docs.ts";
import { diffConfigs } from "./diff-configs.ts";
import { pointerToFieldPath } from "./field-path.ts";

describe("diffConfigs", () => {
  it("finds nothing between equal configs, whatever their key order", () => {
    const reordered = Object.fromEntries(Object.entries(typicalConfig()).reverse());
    expect(diffConfigs(typicalConfig(), reordered)).toEqual([]);
  });

  it("reports added, removed and changed values by JSON Pointer, sorted by path", () => {
    const after = typicalConfig();
    after.system.hostname = "lab-2";
    Reflect.deleteProperty(after.system, "keyboard");
    Object.assign(after.os, { channel: "edge" });
    after.image.sizeMiB = 8192;
    expect(diffConfigs(typicalConfig(), after)).toEqual([
      { kind: "changed", path: "/image/sizeMiB", oldValue: 4096, newValue: 8192 },
      { kind: "added", path: "/os/channel", newValue: "edge" },
      { kind: "changed", path: "/system/hostname", oldValue: "rock5b-lab", newValue: "lab-2" },
      { kind: "removed", path: "/system/keyboard", oldValue: "us" },
    ]);
  });

  it("compares arrays element by element, nested ones included", () => {
    const after = typicalConfig();
    after.packages.install.splice(4, 2); // drop tmux, i2c-tools
    firstUser(after).sshKeys[0] = "ssh-ed25519 NEW";
    after.system.users.push({ name: "bob", sudo: false, sshKeys: [] });
    after.network.ethernet.dns = ["1.1.1.1"];
    expect(diffConfigs(typicalConfig(), after)).toEqual([
      {
        kind: "changed",
        path: "/network/ethernet/dns/0",
        oldValue: "192.168.10.1",
        newValue: "1.1.1.1",
      },
      { kind: "removed", path: "/network/ethernet/dns/1", oldValue: "9.9.9.9" },
      { kind: "removed", path: "/packages/install/4", oldValue: "tmux" },
      { kind: "removed", path: "/packages/install/5", oldValue: "i2c-tools" },
      {
        kind: "changed",
        path: "/system/users/0/sshKeys/0",
        oldValue: firstUser(typicalConfig()).sshKeys[0],
        newValue: "ssh-ed25519 NEW",
      },
      {
        kind: "added",
        path: "/system/users/1",
        newValue: { name: "bob", sudo: false, sshKeys: [] },
      },
    ]);
  });

  it("orders array indices numerically", () => {
    const before = { list: Array.from({ length: 12 }, (_, i) => i) };
    const after = { list: before.list.map((n) => (n === 2 || n === 10 ? -n : n)) };
    expect(diffConfigs(before, after).map((change) => change.path)).toEqual([
      "/list/2",
      "/list/10",
    ]);
  });

  it("escapes / and ~ in keys, so paths split back into the keys", () => {
    const changes = diffConfigs(
      { "a/b": { "c~d": 1 }, "~1": true },
      { "a/b": { "c~d": 2 }, "x/~": null },
    );
    expect(changes).toEqual([
      { kind: "changed", path: "/a~1b/c~0d", oldValue: 1, newValue: 2 },
      { kind: "added", path: "/x~1~0", newValue: null },
      { kind: "removed", path: "/~01", oldValue: true },
    ]);
    expect(changes.map((change) => pointerToFieldPath(change.path))).toEqual([
      ["a/b", "c~d"],
      ["x/~"],
      ["~1"],
    ]);
  });

  it("reports a value that changes kind as one change at its path", () => {
    expect(diffConfigs({ files: { a: 1 }, n: null }, { files: ["a"], n: 0 })).toEqual([
      { kind: "changed", path: "/files", oldValue: { a: 1 }, newValue: ["a"] },
      { kind: "changed", path: "/n", oldValue: null, newValue: 0 },
    ]);
  });

  it("compares values other than two objects or two arrays as a whole", () => {
    expect(diffConfigs({ a: 1 }, [1])).toEqual([
      { kind: "changed", path: "", oldValue: { a: 1 }, newValue: [1] },
    ]);
    expect(diffConfigs("x", "y")).toEqual([
      { kind: "changed", path: "", oldValue: "x", newValue: "y" },
    ]);
    expect(diffConfigs(null, null)).toEqual([]);
    expect(diffConfigs([1, [2]], [1, [3]])).toEqual([
      { kind: "changed", path: "/1/0", oldValue: 2, newValue: 3 },
    ]);
  });

  it("returns copies, so changing a result leaves both configs alone", () => {
    const before = { a: { deep: [1] } };
    const after = { b: { deep: [2] } };
    for (const change of diffConfigs(before, after)) {
      const value = (change.kind === "added" ? change.newValue : change.oldValue) as {
        deep: number[];
      };
      value.deep.push(99);
    }
    expect(before).toEqual({ a: { deep: [1] } });
    expect(after).toEqual({ b: { deep: [2] } });
  });
});
