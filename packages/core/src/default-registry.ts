import { boardCatalogue, boardConfigSchemas } from "@bbos/schemas";

import { createConfigValidator, type ConfigValidator } from "./config-validator.ts";

let singleton: ConfigValidator | undefined;

/**
 * The validator for the schemas and catalogue shipped in `@bbos/schemas`, built (and its schemas
 * compiled) on first use and shared afterwards. Tests that need other data call
 * `createConfigValidator` directly.
 */
export function defaultConfigValidator(): ConfigValidator {
  singleton ??= createConfigValidator({ schemas: boardConfigSchemas, catalogue: boardCatalogue });
  return singleton;
}
