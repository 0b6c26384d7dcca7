// The build side (state machine, recipe port, cache key, progress, secrets), also importable
// alone as `@bbos/core/build`.
export * from "./build/index.ts";
export { canonicalJson } from "./canonical-json.ts";
// What a catalogue board offers a config (the rules' own knowledge), for forms and the API.
export { overlaysFor } from "./catalogue/overlays-for.ts";
export { releasesFor, type BoardRelease } from "./catalogue/releases-for.ts";
export { createConfigAjv } from "./config-ajv.ts";
export type {
  ConfigCatalogue,
  ConfigCatalogueBoard,
  ConfigCatalogueFamily,
} from "./config-catalogue.ts";
export { configRules } from "./config-rules.ts";
export {
  createConfigValidator,
  type ConfigSchemaEntry,
  type ConfigValidator,
  type ConfigValidatorOptions,
} from "./config-validator.ts";
export { defaultBoardConfig } from "./default-config.ts";
export { defaultConfigValidator } from "./default-registry.ts";
export { DomainError, isDomainError, type DomainErrorCode } from "./errors.ts";
export {
  isBoardId,
  isBuildId,
  isConfigVersionId,
  isProjectId,
  isRecordId,
  type BoardId,
  type BuildId,
  type ConfigVersionId,
  type ProjectId,
  type UserId,
} from "./ids.ts";
export { can, type ProjectAction, type ProjectRole } from "./policy/permissions.ts";
export type { ConfigRule, ConfigRuleInput, DeepPartial } from "./rules/config-rule.ts";
export {
  DEFAULT_PARSE_CONFIG_JSON_LIMITS,
  parseConfigJson,
  type JsonObject,
  type JsonValue,
  type ParseConfigJsonLimits,
} from "./safe-json.ts";
export { toJsonPointer } from "./json-pointer.ts";
export { migrateConfig, type MigratableConfig, type SchemaMigration } from "./schema-migrations.ts";
export { secretValueIssues } from "./secret-value-check.ts";
export { sha256Hex } from "./sha256-hex.ts";
export type { ValidationIssue, ValidationResult, ValidationSeverity } from "./validation-result.ts";
