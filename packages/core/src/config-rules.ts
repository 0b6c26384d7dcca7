import type { ConfigCatalogue } from "./config-catalogue.ts";
import { isJsonPointerWithin } from "./json-pointer.ts";
import { boardKnownRule } from "./rules/board-known.ts";
import { branchSupportedRule } from "./rules/branch-supported.ts";
import { catalogueConsistencyRule } from "./rules/catalogue-consistency.ts";
import type { ConfigRule } from "./rules/config-rule.ts";
import { desktopEnvironmentRule } from "./rules/desktop-environment.ts";
import { networkStaticRule } from "./rules/network-static.ts";
import { overlaysKnownRule } from "./rules/overlays-known.ts";
import { packageConflictRule } from "./rules/package-conflict.ts";
import { recipeSupportedRule } from "./rules/recipe-supported.ts";
import { releaseSupportedRule } from "./rules/release-supported.ts";
import { sshLoginRule } from "./rules/ssh-login.ts";
import { usersUniqueRule } from "./rules/users-unique.ts";
import type { ValidationIssue } from "./validation-result.ts";

/**
 * Every cross-field rule, in the order their issues are reported. Add a rule by writing a file
 * under `rules/` and listing it here.
 */
export const configRules: readonly ConfigRule[] = [
  boardKnownRule,
  catalogueConsistencyRule,
  recipeSupportedRule,
  branchSupportedRule,
  releaseSupportedRule,
  desktopEnvironmentRule,
  overlaysKnownRule,
  packageConflictRule,
  usersUniqueRule,
  sshLoginRule,
  networkStaticRule,
];

/**
 * Runs the rules whose inputs are sound, given the schema's issues for the same config.
 *
 * A rule is skipped when a schema issue other than `SCHEMA_REQUIRED` sits at, above or below one
 * of the pointers it `reads` (a wrong type or value there would make its verdict meaningless or
 * noisy). Missing required values do not block: rules treat every value as optional. `config`
 * must therefore be at least an object; a non-object root always carries a schema issue at `""`,
 * which blocks every rule.
 */
export function runConfigRules(
  config: unknown,
  catalogue: ConfigCatalogue,
  schemaIssues: readonly ValidationIssue[] = [],
  rules: readonly ConfigRule[] = configRules,
): ValidationIssue[] {
  const blocked = schemaIssues
    .filter((issue) => issue.severity === "error" && issue.code !== "SCHEMA_REQUIRED")
    .map((issue) => issue.path);
  const isObject = typeof config === "object" && config !== null && !Array.isArray(config);
  const issues: ValidationIssue[] = [];
  for (const rule of rules) {
    const sound = rule.reads.every((read) =>
      blocked.every((path) => !isJsonPointerWithin(path, read) && !isJsonPointerWithin(read, path)),
    );
    if (!sound || !isObject) continue;
    issues.push(...rule.check(config, catalogue));
  }
  return issues;
}
