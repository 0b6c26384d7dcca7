export { configRoot } from "./config-root.ts";
export { diffConfigs, type ConfigChange } from "./diff-configs.ts";
export { fieldPathToPointer, pointerToFieldPath } from "./field-path.ts";
export { readConfig } from "./read-config.ts";
export { setConfig } from "./set-config.ts";
export { writeConfig } from "./write-config.ts";
