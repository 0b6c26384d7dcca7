import { randomUUID } from "node:crypto";

import {
  secretFields,
  secretValueIssues,
  withSecretFields,
  type JsonObject,
  type JsonValue,
  type SecretReference,
  type ValidationIssue,
  type ValidationResult,
} from "@bbos/core";
import { boardConfigSchemas, type BoardConfigSchemaId } from "@bbos/schemas";

/** A value taken out of a secret field, and the reference that replaced it. */
export interface LiftedSecret {
  pointer: string;
  reference: SecretReference;
  value: string;
}

/**
 * Takes the plain values out of a config's secret fields (an imported file, a board moving to a
 * schema whose secret fields hold references): each is replaced by a reference to a new secret,
 * to be stored as its first revision with the board, and checked against the field's schema
 * (`issues`, which never quote it). A schema whose secret fields hold values (before
 * `board-config/3`), and a config without plain values, come back unchanged.
 */
export function liftSecrets(
  schemaId: BoardConfigSchemaId,
  config: JsonValue,
): { config: JsonValue; secrets: LiftedSecret[]; issues: ValidationIssue[] } {
  const { schema } = boardConfigSchemas[schemaId];
  const secrets: LiftedSecret[] = [];
  const references: { path: string[]; value: JsonObject }[] = [];
  const issues: ValidationIssue[] = [];
  for (const { pointer, path, value } of secretFields(schema, config)) {
    if (typeof value !== "string") continue;
    const found = secretValueIssues(schema, path, value);
    if (found === null) continue;
    issues.push(...found);
    const reference = { secretId: randomUUID(), revision: 1 };
    secrets.push({ pointer, value, reference });
    references.push({ path, value: { ...reference } });
  }
  if (secrets.length === 0) return { config, secrets, issues };
  // Only objects have secret fields, so a config with one is an object.
  return { config: withSecretFields(config as JsonObject, references), secrets, issues };
}

/** `result` with `issues` added in front; invalid when any of them is an error. */
export function withIssues(
  result: ValidationResult,
  issues: readonly ValidationIssue[],
): ValidationResult {
  return {
    ...result,
    valid: result.valid && !issues.some((issue) => issue.severity === "error"),
    issues: [...issues, ...result.issues],
  };
}
