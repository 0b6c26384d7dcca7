import * as Y from "yjs";

import { readConfig } from "@bbos/collab";
import { isSecretReference, secretFields, type JsonObject } from "@bbos/core";
import { boardConfigSchemas, latestBoardConfigSchemaId } from "@bbos/schemas";

// Every schema version has its secret fields at the same places; the latest one knows them all.
const { schema } = boardConfigSchemas[latestBoardConfigSchemaId];

/** What the config's secret fields hold that is not a reference, as JSON text. */
function plainSecretValues(config: JsonObject): Set<string> {
  return new Set(
    secretFields(schema, config)
      .filter(({ value }) => !isSecretReference(value))
      .map(({ value }) => JSON.stringify(value)),
  );
}

/**
 * Whether applying `update` to `doc` would put a value into a secret field: anything but a
 * reference that the field's board did not already hold (a board still on a schema whose secret
 * fields hold values keeps them, even where an edit moves them, until it is upgraded). The
 * update is tried on a copy; `doc` is not changed.
 *
 * @throws Error when Yjs cannot apply the update.
 */
export function addsSecretValue(doc: Y.Doc, update: Uint8Array): boolean {
  const probe = new Y.Doc();
  try {
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(probe, update);
    const after = plainSecretValues(readConfig(probe));
    // The usual case (a board on board-config/3) ends here, without reading `doc` again.
    if (after.size === 0) return false;
    const before = plainSecretValues(readConfig(doc));
    return [...after].some((value) => !before.has(value));
  } finally {
    probe.destroy();
  }
}
