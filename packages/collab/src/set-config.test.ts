import type * as Y from "yjs";
import { describe, expect, it } from "vitest";

import { captureDomainError } from "../test/capture-domain-error.ts";
import {
  createConfigDoc,
  examples,
  firstUser,
  forkDoc,
  recordUpdates,
  syncDocs,
  typicalConfig,
} from "../test/docs.ts";
import { applyJsonPatch } from "./apply-json-patch.ts";
import { configRoot } from "./config-root.ts";
import { readConfig } from "./read-config.ts";
import { setConfig } from "./set-config.ts";

/** A restored "version" of typical.json: changes, additions and removals at several depths. */
function restoredVersion() {
  const config = typicalConfig();
  config.system.hostname = "restored";
  firstUser(config).sshKeys.push("ssh-ed25519 AAAA second@key");
  config.system.users.push({ name: "bob", sudo: false, sshKeys: [] });
  config.packages.install.splice(4, 2);
  Reflect.deleteProperty(config.network.ethernet, "gateway");
  Object.assign(config.kernel, { dtb: "rk3588-rock-5b.dtb" });
  return config;
}

describe("setConfig", () => {
  it("makes the document equal to the target in one update with the given origin", () => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    setConfig(doc, restoredVersion(), "restore");
    expect(readConfig(doc)).toEqual(restoredVersion());
    expect(origins).toEqual(["restore"]);
  });

  it.each(Object.entries(examples))("turns typical.json into %s and back", (_name, example) => {
    const doc = createConfigDoc();
    setConfig(doc, example());
    expect(readConfig(doc)).toEqual(example());
    setConfig(doc, typicalConfig());
    expect(readConfig(doc)).toEqual(typicalConfig());
  });

  it("emits no update when the document already equals the target, whatever its key order", () => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    const reordered = Object.fromEntries(Object.entries(typicalConfig()).reverse());
    setConfig(doc, reordered);
    setConfig(doc, typicalConfig());
    expect(origins).toEqual([]);
  });

  it("writes only the differences and keeps untouched Yjs types in place", () => {
    const doc = createConfigDoc();
    const system = configRoot(doc).get("system") as Y.Map<unknown>;
    const ssh = system.get("ssh");
    const image = configRoot(doc).get("image");
    setConfig(doc, restoredVersion());
    expect(configRoot(doc).get("system")).toBe(system);
    expect(system.get("ssh")).toBe(ssh);
    expect(configRoot(doc).get("image")).toBe(image);
  });

  it("converges with a peer that edited other fields concurrently", () => {
    const a = createConfigDoc();
    const b = forkDoc(a);
    applyJsonPatch(b, [
      { op: "replace", path: "/system/locale", value: "de_DE.UTF-8" },
      { op: "add", path: "/build/options/extensions/-", value: "from-b" },
    ]);
    const origins = recordUpdates(a);
    setConfig(a, restoredVersion());
    expect(origins).toHaveLength(1);

    syncDocs(a, b);

    const expected = restoredVersion();
    expected.system.locale = "de_DE.UTF-8";
    Object.assign(expected.build.options, { extensions: ["from-b"] });
    expect(readConfig(a)).toEqual(expected);
    expect(readConfig(b)).toEqual(expected);
  });

  it("rejects a target that is not a JSON object and leaves the document unchanged", () => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    expect(captureDomainError(() => setConfig(doc, [] as never)).details).toEqual({
      path: "",
      reason: "ROOT_NOT_OBJECT",
    });
    expect(captureDomainError(() => setConfig(doc, { x: new Map() } as never)).details).toEqual({
      path: "/x",
      reason: "NOT_JSON",
    });
    expect(readConfig(doc)).toEqual(typicalConfig());
    expect(origins).toEqual([]);
  });
});
