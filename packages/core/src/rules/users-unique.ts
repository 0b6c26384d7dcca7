import type { ConfigRule } from "./config-rule.ts";
import { ruleError } from "./rule-helpers.ts";

/** User names must be unique; the issue points at the second (and any later) occurrence. */
export const usersUniqueRule: ConfigRule = {
  name: "users-unique",
  codes: ["USER_DUPLICATE"],
  reads: ["/system/users"],
  check(config) {
    const firstIndex = new Map<string, number>();
    const issues = [];
    for (const [index, user] of (config.system?.users ?? []).entries()) {
      const name = user?.name;
      if (name === undefined) continue;
      const first = firstIndex.get(name);
      if (first === undefined) {
        firstIndex.set(name, index);
        continue;
      }
      issues.push(
        ruleError(
          `/system/users/${index}/name`,
          "USER_DUPLICATE",
          `User name "${name}" is already used by users[${first}]; each account needs its own name.`,
        ),
      );
    }
    return issues;
  },
};
