// Writes generated/board-catalogue.ts, the TypeScript types of board-catalogue.json, from
// board-catalogue.schema.json. Run by `npm run codegen` (Turbo runs it before typecheck, lint,
// test and build); the output is git-ignored.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

import { compile } from "json-schema-to-typescript";

type JsonSchema = Parameters<typeof compile>[0];

const SCHEMA_FILE = new URL("../board-catalogue.schema.json", import.meta.url);
const OUTPUT_DIR = new URL("../generated/", import.meta.url);
const OUTPUT_FILE = new URL("board-catalogue.ts", OUTPUT_DIR);

/**
 * The schema's `title`s are labels for people ("Name", "Release", …); json-schema-to-typescript
 * would turn each into an exported type (`Name`, `Name1`, …). Instead only these subschemas get a
 * named type, under the names `@bbos/schemas` exports; everything else is inlined.
 */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  "": "BoardCatalogue",
  "/properties/sources/items": "CatalogueSource",
  "/properties/families/additionalProperties": "CatalogueFamily",
  "/properties/boards/items": "CatalogueBoard",
  "/properties/boards/items/properties/bootloader/oneOf/1": "CatalogueBootloader",
};

const BANNER = `// Generated from board-catalogue.schema.json by schemas/scripts/generate-types.ts.
// Do not edit: change the schema and run \`npm run codegen -w @bbos/schemas\`.`;

function withoutTitles(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutTitles);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== "title")
      .map(([key, value]) => [key, withoutTitles(value)]),
  );
}

/** The subschema at a JSON Pointer; throws when the schema no longer has it. */
function subschemaAt(root: JsonSchema, pointer: string): Record<string, unknown> {
  let node: unknown = root;
  for (const token of pointer.split("/").slice(1)) {
    node =
      typeof node === "object" && node !== null
        ? (node as Record<string, unknown>)[token]
        : undefined;
  }
  if (typeof node !== "object" || node === null) {
    throw new Error(
      `board-catalogue.schema.json has no subschema at "${pointer}"; update TYPE_NAMES.`,
    );
  }
  return node as Record<string, unknown>;
}

const schema = withoutTitles(JSON.parse(readFileSync(SCHEMA_FILE, "utf8"))) as JsonSchema;
for (const [pointer, name] of Object.entries(TYPE_NAMES)) subschemaAt(schema, pointer).title = name;

const source = await compile(schema, "BoardCatalogue", {
  bannerComment: BANNER,
  // Plain arrays instead of tuples such as [string, ...string[]] for `minItems: 1`.
  ignoreMinAndMaxItems: true,
  style: { printWidth: 100 },
});
mkdirSync(OUTPUT_DIR, { recursive: true });
writeFileSync(OUTPUT_FILE, source);
console.log(`wrote ${OUTPUT_FILE.pathname}`);
