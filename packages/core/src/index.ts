export { canonicalJson, contentHash } from "./canonical-json.ts";
export { createConfigAjv } from "./config-ajv.ts";
export type {
  ConfigCatalogue,
  ConfigCatalogueBoard,
  ConfigCatalogueFamily,
} from "./config-catalogue.ts";
export { configRules, runConfigRules } from "./config-rules.ts";
export {
  createConfigValidator,
  type ConfigSchemaEntry,
  type ConfigValidator,
  type ConfigValidatorOptions,
} from "./config-validator.ts";
export { defaultConfigValidator } from "./default-registry.ts";
export { DomainError, isDomainError, toError, type DomainErrorCode } from "./errors.ts";
export {
  appendJsonPointer,
  escapeJsonPointerToken,
  isJsonPointerWithin,
  toJsonPointer,
} from "./json-pointer.ts";
export type { ConfigRule, ConfigRuleInput, DeepPartial } from "./rules/config-rule.ts";
export {
  DEFAULT_PARSE_CONFIG_JSON_LIMITS,
  FORBIDDEN_JSON_KEYS,
  parseConfigJson,
  type JsonObject,
  type JsonValue,
  type ParseConfigJsonLimits,
} from "./safe-json.ts";
export {
  boardConfig1To2,
  findMigrationChain,
  migrateConfig,
  schemaMigrations,
  type MigratableConfig,
  type SchemaMigration,
} from "./schema-migrations.ts";
export { sha256Hex } from "./sha256-hex.ts";
export {
  assertValidConfig,
  createValidationResult,
  type ValidationIssue,
  type ValidationResult,
  type ValidationSeverity,
} from "./validation-result.ts";
