// The build side of the core, importable without the config validator (and its Ajv): what
// build workers need. `@bbos/core` re-exports all of it.
export {
  buildCacheKey,
  buildStages,
  estimateRemainingMs,
  imageCompressionOf,
  overallProgress,
  withImageCompression,
  type CacheKeyInput,
  type EtaInput,
  type ImageCompression,
} from "./build-plan.ts";
export {
  isTerminal,
  transition,
  type BuildEvent,
  type BuildState,
  type BuildStatus,
  type BuildTransition,
} from "./build-state.ts";
export {
  PROJECT_FILES_DIR,
  type Recipe,
  type RecipeFile,
  type RecipeInput,
  type RecipeOutput,
  type RecipePlan,
  type RecipeStage,
  type RecipeStep,
} from "./recipe.ts";
export {
  isSecretReference,
  redactor,
  secretFields,
  secretValues,
  secretValueSchema,
  withSecretFields,
  type SecretField,
  type SecretReference,
} from "./secret-values.ts";
export { isBuildId, type BuildId } from "../ids.ts";
export type { JsonObject, JsonValue } from "../safe-json.ts";
export { canonicalJson } from "../canonical-json.ts";
export { sha256Hex } from "../sha256-hex.ts";
