import { isSecretReference, type SecretReference } from "@bbos/schemas";

import { toJsonPointer } from "../json-pointer.ts";
import type { JsonObject, JsonValue } from "../safe-json.ts";

/** The parts of a JSON Schema the secret-field walk follows. */
interface SchemaNode {
  writeOnly?: boolean;
  /** What a secret field's value must be (`board-config/3`): its field holds a reference. */
  secretValue?: object;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  then?: SchemaNode;
  else?: SchemaNode;
}

/** A secret field present in a config: where it is and what it holds now. */
export interface SecretField {
  /** JSON Pointer, e.g. `/network/wifi/psk`. */
  pointer: string;
  /** The same place as reference tokens, e.g. `["network", "wifi", "psk"]`. */
  path: string[];
  /** A {@link SecretReference} in a `board-config/3` config, else the value itself. */
  value: JsonValue;
}

export { isSecretReference, type SecretReference };

/**
 * Every field of `config` its JSON Schema marks `writeOnly` (a Wi-Fi PSK, a password hash) that
 * holds a value, in document order. Follows `properties`, `items` and the subschemas of
 * `allOf`/`anyOf`/`oneOf`/`then`/`else`; reports each place once.
 */
export function secretFields(schema: object, config: JsonValue): SecretField[] {
  const found = new Map<string, SecretField>();
  const visit = (
    node: SchemaNode | undefined,
    value: JsonValue | undefined,
    path: string[],
  ): void => {
    if (!node || value === undefined || value === null) return;
    if (node.writeOnly) {
      const pointer = toJsonPointer(path);
      found.set(pointer, { pointer, path, value });
      return;
    }
    for (const sub of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
      visit(sub, value, path);
    }
    visit(node.then, value, path);
    visit(node.else, value, path);
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(node.items, item, [...path, String(index)]));
    } else if (typeof value === "object" && node.properties) {
      for (const [key, sub] of Object.entries(node.properties)) {
        visit(sub, value[key], [...path, key]);
      }
    }
  };
  visit(schema, config, []);
  return [...found.values()];
}

/**
 * The string values of `config`'s secret fields: what a build must redact from everything it
 * publishes. Each value once.
 */
export function secretValues(schema: object, config: JsonValue): string[] {
  const values = secretFields(schema, config)
    .map(({ value }) => value)
    .filter((value): value is string => typeof value === "string" && value !== "");
  return [...new Set(values)];
}

/**
 * The schema a secret field's value must match (its `secretValue`), found by walking
 * `properties` and `items` along `segments`; null when no `writeOnly` field with one is there.
 */
export function secretValueSchema(schema: object, segments: readonly string[]): object | null {
  let node: SchemaNode | undefined = schema;
  for (const segment of segments) {
    node = /^(0|[1-9]\d*)$/.test(segment) && node.items ? node.items : node.properties?.[segment];
    if (!node) return null;
  }
  return node.writeOnly && node.secretValue ? node.secretValue : null;
}

/**
 * A copy of `config` in which each of `replacements` (places {@link secretFields} found in this
 * config) holds its new value. Everything else is copied unchanged.
 */
export function withSecretFields(
  config: JsonObject,
  replacements: readonly { path: readonly string[]; value: JsonValue }[],
): JsonObject {
  const copy = structuredClone(config);
  for (const { path, value } of replacements) {
    const last = path.at(-1) as string;
    let parent: JsonValue = copy;
    for (const segment of path.slice(0, -1)) {
      parent = (
        Array.isArray(parent) ? parent[Number(segment)] : (parent as JsonObject)[segment]
      ) as JsonValue;
    }
    if (Array.isArray(parent)) parent[Number(last)] = value;
    else (parent as JsonObject)[last] = value;
  }
  return copy;
}

/**
 * A function that replaces every occurrence of each secret in a line with `[redacted]`,
 * longest secrets first (so a secret containing another is replaced whole).
 */
export function redactor(secrets: readonly string[]): (line: string) => string {
  const ordered = [...new Set(secrets)].filter((secret) => secret.length > 0);
  ordered.sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (line) => line;
  return (line) => ordered.reduce((text, secret) => text.split(secret).join("[redacted]"), line);
}
