import type { ConfigRule } from "./config-rule.ts";
import { ruleWarning } from "./rule-helpers.ts";

/**
 * Warns when the SSH server is enabled (the default) but nobody can log in through it: no user
 * has an SSH key, and password login is off or no user has a password.
 */
export const sshLoginRule: ConfigRule = {
  name: "ssh-login",
  codes: ["SSH_NO_LOGIN"],
  reads: ["/system/ssh", "/system/users"],
  check(config) {
    const ssh = config.system?.ssh;
    // Schema defaults: enabled true, passwordAuthentication false.
    if (ssh?.enabled === false) return [];
    const users = config.system?.users ?? [];
    if (users.some((user) => (user?.sshKeys?.length ?? 0) > 0)) return [];
    const passwordLogin = ssh?.passwordAuthentication ?? false;
    if (passwordLogin && users.some((user) => user?.passwordHash !== undefined)) return [];
    const why = passwordLogin
      ? "no user has an SSH key or a password hash"
      : "no user has an SSH key and password login is off";
    return [
      ruleWarning(
        "/system/ssh",
        "SSH_NO_LOGIN",
        `The SSH server is enabled but nobody can log in through it: ${why}. ` +
          `Add an SSH key to a user, or disable the SSH server.`,
      ),
    ];
  },
};
