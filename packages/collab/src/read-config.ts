import type { JsonObject } from "@bbos/core";
import type * as Y from "yjs";

import { configRoot } from "./config-root.ts";
import { yMapToJson } from "./internal/y-value.ts";

/**
 * The board configuration a document holds, as fresh plain JSON (objects with
 * `Object.prototype`, real arrays), like `Y.Map#toJSON`. Values JSON cannot represent, which
 * only writers other than this package can store, are dropped from objects and read as `null`
 * in arrays. Key order follows the document and may differ between peers: compare configs
 * with deep equality or their canonical JSON, not their serialised text.
 */
export function readConfig(doc: Y.Doc): JsonObject {
  return yMapToJson(configRoot(doc));
}
