import type { ConfigRule } from "./config-rule.ts";
import { ruleError } from "./rule-helpers.ts";

/** A package may not be both installed and removed; the issue points at the `remove` entry. */
export const packageConflictRule: ConfigRule = {
  name: "package-conflict",
  codes: ["PACKAGE_CONFLICT"],
  reads: ["/packages/install", "/packages/remove"],
  check(config) {
    const install = new Set(config.packages?.install ?? []);
    const issues = [];
    for (const [index, name] of (config.packages?.remove ?? []).entries()) {
      if (name === undefined || !install.has(name)) continue;
      issues.push(
        ruleError(
          `/packages/remove/${index}`,
          "PACKAGE_CONFLICT",
          `Package "${name}" is both installed and removed; keep it in one of the two lists.`,
        ),
      );
    }
    return issues;
  },
};
