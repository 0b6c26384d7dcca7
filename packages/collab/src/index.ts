export { applyJsonPatch } from "./apply-json-patch.ts";
export { CONFIG_ROOT, configRoot } from "./config-root.ts";
export { diffConfigs, type ConfigChange } from "./diff-configs.ts";
export { fieldPathToPointer, pointerToFieldPath } from "./field-path.ts";
export type { PatchRejectionReason } from "./internal/plan-json-patch.ts";
export { readConfigAt } from "./read-config-at.ts";
export { readConfig } from "./read-config.ts";
export { setConfig } from "./set-config.ts";
export { writeConfig } from "./write-config.ts";
