import type { RJSFSchema } from "@rjsf/utils";

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Drops the optional sections the user has emptied: an object property that its parent does not
 * require, whose schema gives it no default, and that holds nothing but empty sections of its
 * own. Without this, typing into an optional section (Wi-Fi) and clearing it again leaves `{}`
 * behind, which the schema then holds to its required fields: a section that says "leave out"
 * could never be left out again.
 */
export function pruneEmptyOptionalSections(
  data: Record<string, Json>,
  schema: RJSFSchema,
): Record<string, Json> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(data)) {
    const child = properties[key];
    if (!isPlainObject(value) || typeof child !== "object" || child.type !== "object") {
      result[key] = value;
      continue;
    }
    const pruned = pruneEmptyOptionalSections(value, child);
    const optional = !required.has(key) && child.default === undefined;
    if (optional && Object.keys(pruned).length === 0) continue;
    result[key] = pruned;
  }
  return result;
}
