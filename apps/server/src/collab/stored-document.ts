import * as Y from "yjs";

import { readConfig, writeConfig } from "@bbos/collab";
import type { JsonObject } from "@bbos/core";

/** What a board's document is made of in PostgreSQL (see `readBoardLog` in @bbos/db). */
export interface StoredDocument {
  state: Uint8Array | null;
  updates: readonly Uint8Array[];
}

/** The board's Yjs document: the compacted state, then every logged update, in one transaction. */
export function documentFromStore({ state, updates }: StoredDocument): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (state) Y.applyUpdate(doc, state);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

/** Folds a stored state and its logged updates into one state (compaction). */
export function mergeStoredDocument(stored: StoredDocument): Uint8Array {
  const doc = documentFromStore(stored);
  try {
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * The first state of a new board's document: `config` written into a fresh Y.Doc as one
 * transaction. A new document each time, so a copied board shares no Yjs history (and no client
 * ids) with its source.
 *
 * @throws DomainError `BAD_INPUT` from `writeConfig` when `config` is not plain JSON.
 */
export function encodeConfigState(config: JsonObject): Uint8Array {
  const doc = new Y.Doc();
  try {
    writeConfig(doc, config);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** The config a stored board document holds (compacted state, then its logged updates). */
export function configFromStore(stored: StoredDocument): JsonObject {
  const doc = documentFromStore(stored);
  try {
    return readConfig(doc);
  } finally {
    doc.destroy();
  }
}
