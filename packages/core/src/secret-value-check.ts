import type { ValidateFunction } from "ajv";

import { secretValueSchema } from "./build/secret-values.ts";
import { createConfigAjv } from "./config-ajv.ts";
import { toJsonPointer } from "./json-pointer.ts";
import { toSchemaIssues } from "./internal/ajv-issues.ts";
import type { ValidationIssue } from "./validation-result.ts";

const checks = new WeakMap<object, ValidateFunction>();

/**
 * Checks a value for the secret field at `segments` of `schema` against the field's
 * `secretValue` schema. The issues point at the field (`/network/wifi/psk`) and, the field being
 * `writeOnly`, never quote the value. Null when `segments` is no secret field of `schema`.
 */
export function secretValueIssues(
  schema: object,
  segments: readonly string[],
  value: string,
): ValidationIssue[] | null {
  const valueSchema = secretValueSchema(schema, segments);
  if (valueSchema === null) return null;
  let check = checks.get(valueSchema);
  if (check === undefined) {
    check = createConfigAjv().compile({ ...valueSchema, writeOnly: true });
    checks.set(valueSchema, check);
  }
  if (check(value)) return [];
  const pointer = toJsonPointer(segments);
  const field = segments.at(-1) ?? "";
  return toSchemaIssues(check.errors).map((issue) => ({
    ...issue,
    path: pointer,
    message: issue.message.replace(/^the config\b/, field),
  }));
}
