import type * as Y from "yjs";

/** The name of the one root map that holds a board configuration in its Yjs document. */
export const CONFIG_ROOT = "config";

/**
 * The root map of a board document: the config's top-level keys, with objects as nested
 * `Y.Map`, arrays as nested `Y.Array` and strings, numbers, booleans and `null` as plain values.
 */
export function configRoot(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(CONFIG_ROOT);
}
