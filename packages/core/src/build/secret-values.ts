import type { JsonValue } from "../safe-json.ts";

/** The parts of a JSON Schema {@link secretValues} follows. */
interface SchemaNode {
  writeOnly?: boolean;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  then?: SchemaNode;
  else?: SchemaNode;
}

/**
 * The string values of `config` at fields its JSON Schema marks `writeOnly` (a Wi-Fi PSK, a
 * password hash): what a build must redact from everything it publishes. Follows `properties`,
 * `items` and the subschemas of `allOf`/`anyOf`/`oneOf`/`then`/`else`; returns each value once.
 */
export function secretValues(schema: object, config: JsonValue): string[] {
  const found = new Set<string>();
  const visit = (node: SchemaNode | undefined, value: JsonValue | undefined): void => {
    if (!node || value === undefined || value === null) return;
    if (node.writeOnly && typeof value === "string" && value !== "") found.add(value);
    for (const sub of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
      visit(sub, value);
    }
    visit(node.then, value);
    visit(node.else, value);
    if (Array.isArray(value)) {
      for (const item of value) visit(node.items, item);
    } else if (typeof value === "object" && node.properties) {
      for (const [key, sub] of Object.entries(node.properties)) visit(sub, value[key]);
    }
  };
  visit(schema, config);
  return [...found];
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
