import { fieldPathToPointer, pointerToFieldPath } from "@bbos/collab";

// RJSF's defaults, which the board form keeps: a field's id is "root" followed by every segment
// of its path, each after "_" (`/system/users/0/name` → `root_system_users_0_name`).
const ID_PREFIX = "root";
const ID_SEPARATOR = "_";

/** A JSON Schema as the form receives it: an object, or `true`/`false`. */
type Schema = boolean | { readonly [keyword: string]: unknown };
type SchemaObject = Exclude<Schema, boolean>;

/**
 * The JSON Pointer of the form field RJSF named `id` (`root_system_hostname` →
 * `/system/hostname`), or null when `id` is not a field id of this form. Keys may contain the
 * separator themselves (`wifi_psk`), so the id is read against the schema: at each level the
 * segment is a property the schema declares (the longest that fits first), an array index, or,
 * where the schema allows other keys, everything up to a separator. Without a schema match the
 * id is split at every separator.
 */
export function fieldIdToPointer(id: string, schema: Schema): string | null {
  if (id !== ID_PREFIX && !id.startsWith(ID_PREFIX + ID_SEPARATOR)) return null;
  const rest = id.slice(ID_PREFIX.length);
  const root = typeof schema === "object" ? schema : {};
  const segments = readSegments(rest, schema, root) ?? rest.split(ID_SEPARATOR).slice(1);
  return fieldPathToPointer(segments);
}

/** The id RJSF gives the field at `pointer`, or null when `pointer` is not a JSON Pointer. */
export function pointerToFieldId(pointer: string): string | null {
  let segments: string[];
  try {
    segments = pointerToFieldPath(pointer);
  } catch {
    // Presence comes from other clients (normalised by the server); a field that cannot be
    // named is simply not marked.
    return null;
  }
  return [ID_PREFIX, ...segments].join(ID_SEPARATOR);
}

/** `rest` is empty or starts with the separator; returns the segments it names, or null. */
function readSegments(rest: string, schema: Schema, root: SchemaObject): string[] | null {
  if (rest === "") return [];
  if (!rest.startsWith(ID_SEPARATOR)) return null;
  const tail = rest.slice(ID_SEPARATOR.length);
  for (const candidate of alternatives(schema, root)) {
    for (const [segment, child] of childCandidates(tail, candidate)) {
      // Every step consumes a segment, so the recursion ends with the id.
      const after = readSegments(tail.slice(segment.length), child, root);
      if (after) return [segment, ...after];
    }
  }
  return null;
}

/** The schema and every subschema that may describe the same value (refs, combinators, if). */
function alternatives(schema: Schema, root: SchemaObject): SchemaObject[] {
  // Each schema once: refs may loop (`{"$ref": "#"}`) without consuming any of the id.
  const found = new Set<SchemaObject>();
  const visit = (current: unknown) => {
    if (typeof current !== "object" || current === null || found.has(current as SchemaObject)) {
      return;
    }
    const object = current as SchemaObject;
    found.add(object);
    if (typeof object.$ref === "string") visit(resolveLocalRef(object.$ref, root));
    for (const keyword of ["allOf", "anyOf", "oneOf"]) {
      const list = object[keyword];
      if (Array.isArray(list)) list.forEach(visit);
    }
    visit(object.then);
    visit(object.else);
  };
  visit(schema);
  return [...found];
}

/** `#`, `#/$defs/name` and other pointers into the same document; other refs are not followed. */
function resolveLocalRef(ref: string, root: SchemaObject): Schema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let current: unknown = root;
  try {
    for (const segment of pointerToFieldPath(decodeURIComponent(ref.slice(1)))) {
      if (typeof current !== "object" || current === null) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  } catch {
    // Not a JSON Pointer fragment (an anchor such as `#node`): this form does not use them.
    return undefined;
  }
  return typeof current === "object" || typeof current === "boolean"
    ? (current as Schema)
    : undefined;
}

/** The segments `tail` may start with under `schema`, each with the schema of its value. */
function childCandidates(tail: string, schema: SchemaObject): [string, Schema][] {
  const fits = (segment: string) => tail === segment || tail.startsWith(segment + ID_SEPARATOR);
  const candidates: [string, Schema][] = [];

  const properties = schema.properties;
  if (typeof properties === "object" && properties !== null) {
    const keys = Object.keys(properties).filter(fits);
    keys.sort((a, b) => b.length - a.length);
    for (const key of keys)
      candidates.push([key, (properties as Record<string, Schema>)[key] ?? true]);
  }

  const index = /^\d+/.exec(tail)?.[0];
  if (index !== undefined && fits(index)) {
    // `prefixItems` (2020-12) or an `items` array (draft-07) for tuples, else `items`.
    const { prefixItems, items } = schema;
    const tuple = Array.isArray(prefixItems) ? prefixItems : Array.isArray(items) ? items : [];
    const item = (tuple as Schema[])[Number(index)] ?? (Array.isArray(items) ? undefined : items);
    if (item !== undefined) candidates.push([index, item as Schema]);
  }

  // Keys the schema does not name (maps): any run of characters up to a separator, shortest
  // first, since the rest of the id must still resolve.
  const other = schema.additionalProperties ?? (schema.patternProperties ? true : undefined);
  if (other !== undefined && other !== false) {
    for (let end = tail.indexOf(ID_SEPARATOR); ; end = tail.indexOf(ID_SEPARATOR, end + 1)) {
      const key = end === -1 ? tail : tail.slice(0, end);
      if (key !== "") candidates.push([key, other as Schema]);
      if (end === -1) break;
    }
  }
  return candidates;
}
