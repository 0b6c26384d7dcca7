import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/**
 * A fresh Ajv instance for JSON Schema draft 2020-12 with the options every board-config
 * validator uses, exported so benchmarks can compare against bare Ajv on equal terms.
 *
 * - `allErrors`: report every problem at once, so a form can mark all fields.
 * - `strict`: a schema with unknown keywords or ambiguous types fails to compile instead of being
 *   silently half-checked (the `writeOnly`, `examples` annotations are standard vocabulary).
 * - `verbose`: errors carry the failing schema, so messages can name the field's title and hide
 *   `writeOnly` values.
 * - ajv-formats: `ipv4`, `uri` and the other standard formats.
 * - `secretValue`: an annotation of `board-config/3` secret fields, the schema their value must
 *   match. The field itself holds a reference; the value is checked where it is set.
 *
 * Never `useDefaults`, `coerceTypes` or `removeAdditional`: validation must not change the
 * caller's data.
 */
export function createConfigAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
  addFormats(ajv);
  addBoardConfigKeywords(ajv);
  return ajv;
}

/** Registers the board-config schemas' own annotation (`secretValue`) with a strict Ajv. */
export function addBoardConfigKeywords(ajv: Ajv2020): void {
  ajv.addKeyword({ keyword: "secretValue", schemaType: "object" });
}
