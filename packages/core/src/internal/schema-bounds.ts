import type { ErrorObject } from "ajv";

import { appendJsonPointer } from "../json-pointer.ts";

/** Keywords that describe a value without constraining it. */
const ANNOTATIONS = [
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "title",
  "description",
  "default",
  "examples",
  "readOnly",
  "writeOnly",
  "secretValue",
  "deprecated",
];

/** Keywords that look at a value's own type, size or text, never at what it contains. */
const OWN_VALUE_KEYWORDS: ReadonlySet<string> = new Set([
  ...ANNOTATIONS,
  "type",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
]);

/**
 * Keywords under which leaving one property out of the data changes no verdict but those about
 * that property: they look at keys, or at children only through `properties` and `items`, which
 * the walk follows. Anything else (`enum`, `const`, `uniqueItems`, `anyOf`, `not`,
 * `patternProperties`, `dependentSchemas`, …) may compare whole values, so nothing below it is
 * ever left out. `$ref` and `if`/`then`/`else` are judged separately.
 */
const SHALLOW_KEYWORDS: ReadonlySet<string> = new Set([
  ...OWN_VALUE_KEYWORDS,
  "properties",
  "required",
  "additionalProperties",
  "items",
  "$ref",
  "if",
  "then",
  "else",
]);

/** What an `if`, `then` or `else` may hold for the walk to understand it. */
const CONDITION_KEYWORDS: ReadonlySet<string> = new Set([...ANNOTATIONS, "properties", "required"]);

type SchemaObject = Readonly<Record<string, unknown>>;

/** A `maxItems` or `maxLength` that the walk checks before Ajv runs. */
interface SizeLimit {
  readonly keyword: "maxItems" | "maxLength";
  readonly limit: number;
  /** The schema object that declares it, which Ajv reports as `parentSchema`. */
  readonly schema: SchemaObject;
  readonly schemaPath: string;
}

/** The limits at one place in the data, and the places below that have some. */
export interface SchemaBounds {
  readonly limits: readonly SizeLimit[];
  readonly properties: ReadonlyMap<string, SchemaBounds>;
  readonly items: SchemaBounds | undefined;
}

/** A schema together with its location, for Ajv-style `schemaPath`s. */
interface SchemaAt {
  readonly schema: SchemaObject;
  readonly path: string;
}

/**
 * Finds the object properties that the walk of {@link checkSchemaBounds} may leave out of Ajv's
 * input when they are over their `maxItems` or `maxLength`, or `undefined` when there are none.
 *
 * Only limits that apply unconditionally are taken (the schema's own `properties` and `items`,
 * through local `$ref`s, never inside `if`/`then`/`else` or another applicator), so every
 * limit the walk reports is one Ajv would report too. A property is only left out where no other
 * keyword could change its verdict for that: every ancestor consists of
 * {@link SHALLOW_KEYWORDS}, and no `if` reads the property. Array entries are never left out,
 * because that would shift the indexes of the entries after them.
 */
export function compileSchemaBounds(schema: unknown): SchemaBounds | undefined {
  if (!isSchemaObject(schema)) return undefined;
  return compile(schema, [{ schema, path: "#" }], false, true, new Set());
}

function compile(
  root: SchemaObject,
  parts: readonly SchemaAt[],
  mayPrune: boolean,
  mayPruneBelow: boolean,
  ancestors: ReadonlySet<SchemaObject>,
): SchemaBounds | undefined {
  const expanded = expandRefs(root, parts);
  // A recursive schema is followed once; below that, nothing is left out.
  if (expanded === undefined || expanded.some(({ schema }) => ancestors.has(schema))) {
    return undefined;
  }
  const read = readByConditions(expanded);
  const shallow =
    read !== undefined &&
    expanded.every(({ schema }) => Object.keys(schema).every((key) => SHALLOW_KEYWORDS.has(key)));
  const below = mayPruneBelow && shallow;
  const within = new Set([...ancestors, ...expanded.map(({ schema }) => schema)]);

  const limits: SizeLimit[] = [];
  if (mayPrune) {
    for (const { schema, path } of expanded) {
      for (const keyword of ["maxItems", "maxLength"] as const) {
        const limit = schema[keyword];
        if (typeof limit === "number") limits.push({ keyword, limit, schema, schemaPath: path });
      }
    }
  }

  const byKey = new Map<string, SchemaAt[]>();
  const itemParts: SchemaAt[] = [];
  for (const { schema, path } of expanded) {
    const properties = schema["properties"];
    if (isSchemaObject(properties)) {
      for (const [key, child] of Object.entries(properties)) {
        if (!isSchemaObject(child)) continue;
        const at = { schema: child, path: appendJsonPointer(`${path}/properties`, key) };
        byKey.set(key, [...(byKey.get(key) ?? []), at]);
      }
    }
    const items = schema["items"];
    if (isSchemaObject(items)) itemParts.push({ schema: items, path: `${path}/items` });
  }
  const properties = new Map<string, SchemaBounds>();
  for (const [key, childParts] of byKey) {
    const prunable = below && read?.has(key) !== true;
    const child = compile(root, childParts, prunable, prunable, within);
    if (child !== undefined) properties.set(key, child);
  }
  const items = itemParts.length > 0 ? compile(root, itemParts, false, below, within) : undefined;

  if (limits.length === 0 && properties.size === 0 && items === undefined) return undefined;
  return { limits, properties, items };
}

/**
 * The schemas that apply at one place: the given ones plus what their `$ref`s point to, or
 * `undefined` when a reference is not a JSON Pointer into this document.
 */
function expandRefs(root: SchemaObject, parts: readonly SchemaAt[]): SchemaAt[] | undefined {
  const expanded: SchemaAt[] = [];
  const pending = [...parts];
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (expanded.some(({ schema }) => schema === part.schema)) continue;
    expanded.push(part);
    const ref = part.schema["$ref"];
    if (ref === undefined) continue;
    if (typeof ref !== "string") return undefined;
    const target = resolveLocalRef(root, ref);
    if (target === undefined) return undefined;
    pending.push({ schema: target, path: ref });
  }
  return expanded;
}

function resolveLocalRef(root: SchemaObject, ref: string): SchemaObject | undefined {
  if (ref !== "#" && !ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const token of ref.split("/").slice(1)) {
    const key = decodeURIComponent(token).replaceAll("~1", "/").replaceAll("~0", "~");
    node = isSchemaObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return isSchemaObject(node) ? node : undefined;
}

/**
 * The property names that `if` conditions read, or `undefined` when a condition or its branch
 * holds more than the walk understands: an `if` of `properties` and `required` reads exactly
 * those names, and a `then`/`else` whose properties only check their own value cannot be swayed
 * by a property the walk leaves out.
 */
function readByConditions(schemas: readonly SchemaAt[]): Set<string> | undefined {
  const read = new Set<string>();
  for (const { schema } of schemas) {
    for (const keyword of ["if", "then", "else"]) {
      const condition = schema[keyword];
      if (condition === undefined) continue;
      if (!isSchemaObject(condition)) return undefined;
      if (!Object.keys(condition).every((key) => CONDITION_KEYWORDS.has(key))) return undefined;
      const properties = condition["properties"] ?? {};
      const required: unknown = condition["required"] ?? [];
      if (!isSchemaObject(properties) || !Array.isArray(required)) return undefined;
      if (keyword === "if") {
        for (const key of [...Object.keys(properties), ...(required as unknown[])]) {
          read.add(String(key));
        }
        continue;
      }
      const ownValueOnly = Object.values(properties).every(
        (child) =>
          isSchemaObject(child) && Object.keys(child).every((key) => OWN_VALUE_KEYWORDS.has(key)),
      );
      if (!ownValueOnly) return undefined;
    }
  }
  return read;
}

/** What {@link checkSchemaBounds} found. */
interface BoundsCheck {
  /** The config without the values over a limit; the input itself when there are none. */
  readonly config: unknown;
  /** One error per limit exceeded, shaped as Ajv reports it, in the order of the walk. */
  readonly errors: ErrorObject[];
  /** JSON Pointers of the values left out. */
  readonly pruned: ReadonlySet<string>;
}

const PRUNED = Symbol("pruned");

/**
 * Checks `config` against the size limits found by {@link compileSchemaBounds} before Ajv sees
 * it, so that an array of 100,000 entries costs one comparison instead of every keyword on every
 * entry (`uniqueItems` among them, which compares all pairs). Each value over a limit is reported
 * as Ajv would report it and left out of the returned copy; the copy shares everything it does
 * not change with `config`, which is never modified.
 */
export function checkSchemaBounds(config: unknown, bounds: SchemaBounds | undefined): BoundsCheck {
  const found = { errors: [] as ErrorObject[], pruned: new Set<string>() };
  if (bounds === undefined) return { config, ...found };
  // The root has no limits of its own (nothing could hold it), so the walk never drops it.
  return { config: walk(config, bounds, "", found), ...found };
}

function walk(
  value: unknown,
  bounds: SchemaBounds,
  pointer: string,
  found: { errors: ErrorObject[]; pruned: Set<string> },
): unknown {
  const exceeded = bounds.limits.filter((limit) => isOverLimit(value, limit));
  if (exceeded.length > 0) {
    for (const { keyword, limit, schema, schemaPath } of exceeded) {
      found.errors.push({
        keyword,
        instancePath: pointer,
        schemaPath: `${schemaPath}/${keyword}`,
        params: { limit },
        parentSchema: schema,
      });
    }
    found.pruned.add(pointer);
    return PRUNED;
  }
  if (Array.isArray(value)) {
    const { items } = bounds;
    if (items === undefined) return value;
    const list = value as readonly unknown[];
    let copy: unknown[] | undefined;
    for (const [index, item] of list.entries()) {
      const checked = walk(item, items, appendJsonPointer(pointer, index), found);
      if (checked === item) continue;
      copy ??= [...list];
      copy[index] = checked;
    }
    return copy ?? value;
  }
  if (typeof value !== "object" || value === null) return value;
  const object = value as Readonly<Record<string, unknown>>;
  let copy: Record<string, unknown> | undefined;
  for (const [key, child] of bounds.properties) {
    if (!Object.hasOwn(object, key)) continue;
    const checked = walk(object[key], child, appendJsonPointer(pointer, key), found);
    if (checked === object[key]) continue;
    copy ??= { ...object };
    if (checked === PRUNED) delete copy[key];
    else copy[key] = checked;
  }
  return copy ?? value;
}

function isOverLimit(value: unknown, { keyword, limit }: SizeLimit): boolean {
  if (keyword === "maxItems") return Array.isArray(value) && value.length > limit;
  return typeof value === "string" && value.length > limit && codePointLength(value) > limit;
}

/** Length in Unicode code points, as Ajv counts for `maxLength`: a surrogate pair is one. */
function codePointLength(text: string): number {
  let length = text.length;
  for (let index = 0; index < text.length - 1; index++) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      length--;
      index++;
    }
  }
  return length;
}

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
