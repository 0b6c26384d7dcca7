import * as Y from "yjs";
import { describe, expect, it } from "vitest";

import { captureDomainError } from "../test/capture-domain-error.ts";
import { createConfigDoc, recordUpdates, typicalConfig } from "../test/docs.ts";
import { CONFIG_ROOT, configRoot } from "./config-root.ts";
import { readConfig } from "./read-config.ts";
import { writeConfig } from "./write-config.ts";

describe("writeConfig", () => {
  it("stores objects as Y.Map, arrays as Y.Array and strings as plain values under one root map", () => {
    const doc = createConfigDoc();
    const root = configRoot(doc);
    expect(root).toBe(doc.getMap(CONFIG_ROOT));
    expect(CONFIG_ROOT).toBe("config");

    const system = root.get("system");
    expect(system).toBeInstanceOf(Y.Map);
    expect((system as Y.Map<unknown>).get("hostname")).toBe("rock5b-lab");
    const users = (system as Y.Map<unknown>).get("users");
    expect(users).toBeInstanceOf(Y.Array);
    expect((users as Y.Array<unknown>).get(0)).toBeInstanceOf(Y.Map);
    const install = (root.get("packages") as Y.Map<unknown>).get("install");
    expect(install).toBeInstanceOf(Y.Array);
    expect((install as Y.Array<unknown>).toArray()).toEqual([
      "htop",
      "curl",
      "git",
      "vim",
      "tmux",
      "i2c-tools",
    ]);
    expect(root.get("board")).toBe("rock-5b");
  });

  it("writes the whole config in one update with the given origin", () => {
    const doc = new Y.Doc();
    const origins = recordUpdates(doc);
    writeConfig(doc, typicalConfig(), "seed");
    expect(origins).toEqual(["seed"]);
  });

  it("replaces what the document held before", () => {
    const doc = createConfigDoc();
    writeConfig(doc, { board: "qemu-arm64", extra: { list: [1, 2] } });
    expect(readConfig(doc)).toEqual({ board: "qemu-arm64", extra: { list: [1, 2] } });
  });

  it.each([
    ["a Date", { when: new Date(0) }, "/when"],
    ["NaN", { image: { sizeMiB: Number.NaN } }, "/image/sizeMiB"],
    ["undefined in an array", { list: [1, undefined] }, "/list/1"],
    ["a function", { f: () => 1 }, "/f"],
  ])("rejects %s with BAD_INPUT and leaves the document unchanged", (_what, config, path) => {
    const doc = createConfigDoc();
    const origins = recordUpdates(doc);
    const error = captureDomainError(() => writeConfig(doc, config as never));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.details).toMatchObject({ path, reason: "NOT_JSON" });
    expect(readConfig(doc)).toEqual(typicalConfig());
    expect(origins).toEqual([]);
  });
});
