import * as Y from "yjs";
import { describe, expect, it } from "vitest";

import { createConfigDoc, examples, forkDoc, typicalConfig } from "../test/docs.ts";
import { configRoot } from "./config-root.ts";
import { readConfig } from "./read-config.ts";

describe("readConfig", () => {
  it.each(Object.entries(examples))(
    "round-trips %s through Yjs and its binary update",
    (_name, example) => {
      const doc = createConfigDoc(example());
      expect(readConfig(doc)).toEqual(example());
      // The state another peer loads (or the server persists) reads back the same.
      expect(readConfig(forkDoc(doc))).toEqual(example());
    },
  );

  it("reads an empty document as an empty object", () => {
    expect(readConfig(new Y.Doc())).toEqual({});
  });

  it("returns fresh plain JSON: real arrays, Object.prototype, no link to the document", () => {
    const doc = createConfigDoc();
    const config = readConfig(doc);
    const system = config["system"] as Record<string, unknown>;
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(system)).toBe(Object.prototype);
    expect(Array.isArray(system["users"])).toBe(true);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);

    system["hostname"] = "changed";
    (system["users"] as unknown[]).push("x");
    expect(readConfig(doc)).toEqual(typicalConfig());
  });

  it("reads objects and arrays stored as one plain value, and drops what JSON cannot hold", () => {
    const doc = new Y.Doc();
    const root = configRoot(doc);
    root.set("legacy", { list: [1, { deep: true }] });
    root.set("gone", undefined);
    root.set("bytes", new Uint8Array([1, 2]));
    const array = new Y.Array<unknown>();
    array.push(["a", new Uint8Array([3])]);
    root.set("array", array);
    expect(readConfig(doc)).toEqual({ legacy: { list: [1, { deep: true }] }, array: ["a", null] });
    expect(Object.keys(readConfig(doc))).not.toContain("gone");
  });

  it("keeps a __proto__ key as data instead of setting the prototype", () => {
    const doc = new Y.Doc();
    const inner = new Y.Map<unknown>();
    inner.set("polluted", true);
    configRoot(doc).set("__proto__", inner);
    const config = readConfig(doc);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(Object.hasOwn(config, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
