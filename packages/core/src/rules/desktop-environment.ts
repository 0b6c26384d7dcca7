import type { ConfigRule } from "./config-rule.ts";
import { ruleError, ruleWarning } from "./rule-helpers.ts";

/**
 * `os.variant: desktop` needs `os.desktop` (error; supersedes the schema's own `required`, with a
 * clearer message), and `os.desktop` without the desktop variant is ignored by the build (warning).
 */
export const desktopEnvironmentRule: ConfigRule = {
  name: "desktop-environment",
  codes: ["DESKTOP_NEEDS_ENVIRONMENT", "DESKTOP_WITHOUT_VARIANT"],
  reads: ["/os/variant", "/os/desktop"],
  check(config) {
    const variant = config.os?.variant;
    const desktop = config.os?.desktop;
    if (variant === "desktop" && desktop === undefined) {
      return [
        ruleError(
          "/os/desktop",
          "DESKTOP_NEEDS_ENVIRONMENT",
          "The desktop variant needs a desktop environment: choose one in os.desktop.",
        ),
      ];
    }
    if (variant !== undefined && variant !== "desktop" && desktop !== undefined) {
      return [
        ruleWarning(
          "/os/desktop",
          "DESKTOP_WITHOUT_VARIANT",
          `Desktop environment "${desktop}" is ignored because the image variant is "${variant}"; ` +
            `set os.variant to "desktop" to install it.`,
        ),
      ];
    }
    return [];
  },
};
