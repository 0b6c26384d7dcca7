import type { JsonObject } from "@bbos/core";
import * as Y from "yjs";

import maximal from "../../../schemas/examples/maximal.json" with { type: "json" };
import qemuArm64 from "../../../schemas/examples/qemu-arm64.json" with { type: "json" };
import typical from "../../../schemas/examples/typical.json" with { type: "json" };
import { writeConfig } from "../src/write-config.ts";

/** The example configs of `schemas/examples/`, by file name; copies, so tests may change them. */
export const examples = {
  "typical.json": () => structuredClone(typical) as JsonObject,
  "maximal.json": () => structuredClone(maximal) as JsonObject,
  "qemu-arm64.json": () => structuredClone(qemuArm64) as JsonObject,
};

/** A fresh copy of `schemas/examples/typical.json`, typed as its JSON for editing in tests. */
export const typicalConfig = (): typeof typical => structuredClone(typical);

/** The first user of a typical.json copy (typed, so tests can edit its keys). */
export function firstUser(config: typeof typical): (typeof typical)["system"]["users"][number] {
  const [user] = config.system.users;
  if (!user) throw new Error("typical.json is expected to have a user");
  return user;
}

/** A new document holding `config`. */
export function createConfigDoc(config: JsonObject = typicalConfig()): Y.Doc {
  const doc = new Y.Doc();
  writeConfig(doc, config);
  return doc;
}

/** A second peer of `doc`: a new document (its own client id) with `doc`'s current state. */
export function forkDoc(doc: Y.Doc): Y.Doc {
  const fork = new Y.Doc();
  Y.applyUpdate(fork, Y.encodeStateAsUpdate(doc));
  return fork;
}

/** Exchanges what each of two peers is missing, both ways, as a provider would. */
export function syncDocs(a: Y.Doc, b: Y.Doc): void {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
}

/** The origins of the updates `doc` emits from now on, one entry per update event. */
export function recordUpdates(doc: Y.Doc): unknown[] {
  const origins: unknown[] = [];
  doc.on("update", (_update: Uint8Array, origin: unknown) => origins.push(origin));
  return origins;
}
