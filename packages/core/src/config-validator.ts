import type { ValidateFunction } from "ajv";

import { contentHash } from "./canonical-json.ts";
import type { ConfigCatalogue } from "./config-catalogue.ts";
import { createConfigAjv } from "./config-ajv.ts";
import { configRules, runConfigRules } from "./config-rules.ts";
import { DomainError } from "./errors.ts";
import { toSchemaIssues } from "./internal/ajv-issues.ts";
import {
  checkSchemaBounds,
  compileSchemaBounds,
  type SchemaBounds,
} from "./internal/schema-bounds.ts";
import type { ConfigRule } from "./rules/config-rule.ts";
import { RULES_VERSION } from "./rules/rules-version.ts";
import { createValidationResult, type ValidationResult } from "./validation-result.ts";

/**
 * Bump when the issue mapping changes its codes, paths or messages, so that cached results keyed
 * by {@link ConfigValidator.fingerprint} are not served stale. 2: values over their `maxItems` or
 * `maxLength` are reported alone, without the issues inside them. 3: a failed `pattern` or `not`
 * says what is accepted in the schema's description (or names its title), quoting the regular
 * expression only without either; issues that read the same at one path are listed once, and a
 * failed `format` beside a failed `pattern` at one path is left to the pattern's message.
 */
const ISSUE_MAPPING_REVISION = 3;

/** The default of {@link ConfigValidatorOptions.maxIssues}. */
const DEFAULT_MAX_ISSUES = 100;

/** One compiled schema: Ajv's function and the size limits checked before it runs. */
interface CompiledSchema {
  readonly check: ValidateFunction;
  readonly bounds: SchemaBounds | undefined;
}

/** One registered schema; `BoardConfigSchemaEntry` from `@bbos/schemas` fits. */
export interface ConfigSchemaEntry {
  /** A JSON Schema draft 2020-12 document. */
  readonly schema: object;
}

/** Inputs of {@link createConfigValidator}: plain data, so tests can pass their own. */
export interface ConfigValidatorOptions {
  /** Schemas keyed by schema id (`"board-config/1"`); every one is compiled once, up front. */
  readonly schemas: Readonly<Record<string, ConfigSchemaEntry>>;
  /** The board catalogue the cross-field rules check against. */
  readonly catalogue: ConfigCatalogue;
  /**
   * Cross-field rules run after the schema.
   * @defaultValue {@link configRules}
   */
  readonly rules?: readonly ConfigRule[];
  /**
   * The declared version of `rules`, part of the fingerprint: a rule's logic (its code, the
   * constants and helpers it uses) cannot be hashed from a running program, so whoever changes
   * rules declares it. Pass your own with your own `rules` when results are cached.
   * @defaultValue {@link RULES_VERSION}, the version of {@link configRules}
   */
  readonly rulesVersion?: number;
  /**
   * Most issues a result lists; the rest are counted in `omittedIssueCount`. Part of the
   * fingerprint, since it decides what a result holds.
   * @defaultValue 100
   */
  readonly maxIssues?: number;
}

/** Validates configs against compiled schemas plus the cross-field rules. */
export interface ConfigValidator {
  /**
   * Checks `config` (already parsed, ideally through `parseConfigJson`) against the schema with
   * this id, then runs the cross-field rules on the parts the schema found sound. Never changes
   * `config`. The issues list schema issues first, then rule issues, each in a stable order.
   * Among the schema issues, values over their `maxItems` or `maxLength` come first, each
   * reported alone and left out of the rest of the check, so that their size cannot make it
   * slow. The result lists the first `maxIssues` issues and counts the others.
   *
   * @throws DomainError `SCHEMA_NOT_FOUND` for an unknown id; the message lists the known ids.
   */
  validate(schemaId: string, config: unknown): ValidationResult;
  /** The ids `validate` accepts, in registration order. */
  readonly schemaIds: readonly string[];
  /**
   * Lowercase hex SHA-256 over the data that decides a result for this schema id: the schema, the
   * catalogue, the declared rules version with each rule's name, codes and reads, the issue
   * mapping's revision and the issue cap. A result cache keyed by it never serves a result
   * computed under other schemas, catalogue, rules or cap. Computed once per id, then memoised.
   *
   * @throws DomainError `SCHEMA_NOT_FOUND` for an unknown id.
   */
  fingerprint(schemaId: string): string;
}

/**
 * Compiles every schema once (Ajv draft 2020-12, see `createConfigAjv`) and returns a validator.
 *
 * Ajv errors become issues with JSON Pointer paths and `SCHEMA_*` codes. A rule error at the
 * same path as a `SCHEMA_REQUIRED` issue replaces it, because the rule explains the condition
 * (DESKTOP_NEEDS_ENVIRONMENT says why `os.desktop` is required).
 *
 * @throws Error when a schema does not compile in strict mode (a bug in the schema, not in the
 *   input), with Ajv's error as `cause`.
 */
export function createConfigValidator(options: ConfigValidatorOptions): ConfigValidator {
  const rules = options.rules ?? configRules;
  const rulesVersion = options.rulesVersion ?? RULES_VERSION;
  const maxIssues = options.maxIssues ?? DEFAULT_MAX_ISSUES;
  const { catalogue } = options;
  const ajv = createConfigAjv();
  const compiled = new Map<string, CompiledSchema>();
  for (const [id, entry] of Object.entries(options.schemas)) {
    let check: ValidateFunction;
    try {
      check = ajv.compile(entry.schema);
    } catch (error) {
      throw new Error(`Config schema "${id}" does not compile in strict mode.`, { cause: error });
    }
    compiled.set(id, { check, bounds: compileSchemaBounds(entry.schema) });
  }
  const schemaIds = Object.freeze([...compiled.keys()]);
  const fingerprints = new Map<string, string>();

  const getCompiled = (schemaId: string): CompiledSchema => {
    const schema = compiled.get(schemaId);
    if (schema === undefined) {
      throw new DomainError(
        "SCHEMA_NOT_FOUND",
        `Unknown config schema "${schemaId}"; known schemas: ${schemaIds.join(", ")}.`,
        { details: { schemaId, known: schemaIds } },
      );
    }
    return schema;
  };

  return {
    schemaIds,
    fingerprint(schemaId) {
      getCompiled(schemaId);
      let fingerprint = fingerprints.get(schemaId);
      if (fingerprint === undefined) {
        fingerprint = contentHash({
          schemaId,
          schema: options.schemas[schemaId]?.schema,
          catalogue,
          rulesVersion,
          rules: rules.map(({ name, codes, reads }) => ({ name, codes, reads })),
          issueMappingRevision: ISSUE_MAPPING_REVISION,
          maxIssues,
        });
        fingerprints.set(schemaId, fingerprint);
      }
      return fingerprint;
    },
    validate(schemaId, config) {
      const { check, bounds } = getCompiled(schemaId);
      const bounded = checkSchemaBounds(config, bounds);
      // Ajv sees the config without the values over a limit; a property left out only adds a
      // SCHEMA_REQUIRED at its own path, which is dropped, since the property was there.
      const checkedIssues = check(bounded.config)
        ? []
        : toSchemaIssues(check.errors).filter((issue) => !bounded.pruned.has(issue.path));
      const schemaIssues = [...toSchemaIssues(bounded.errors), ...checkedIssues];
      const ruleIssues = runConfigRules(config, catalogue, schemaIssues, rules);
      const explained = new Set(
        ruleIssues.filter((issue) => issue.severity === "error").map((issue) => issue.path),
      );
      const kept = schemaIssues.filter(
        (issue) => !(issue.code === "SCHEMA_REQUIRED" && explained.has(issue.path)),
      );
      return createValidationResult(schemaId, [...kept, ...ruleIssues], maxIssues);
    },
  };
}
