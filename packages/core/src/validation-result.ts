import { DomainError } from "./errors.ts";

/** How bad an issue is: errors make a config invalid, warnings are advice. */
export type ValidationSeverity = "error" | "warning";

/** One problem found in a config, located precisely enough for a form to show it in place. */
export interface ValidationIssue {
  /** JSON Pointer (RFC 6901) to the offending value; `""` for the whole config. */
  path: string;
  /**
   * SCREAMING_SNAKE code, stable for clients: `SCHEMA_*` for JSON Schema keywords
   * (`SCHEMA_REQUIRED`, `SCHEMA_PATTERN`, …), rule codes such as `BOARD_UNKNOWN` otherwise.
   */
  code: string;
  /** A sentence for the user, naming the field and what would be accepted. */
  message: string;
  severity: ValidationSeverity;
}

/** The one result shape of config validation, shared by server, web and worker. */
export interface ValidationResult {
  /**
   * True when there is no issue of severity `"error"`, counting the omitted ones; warnings are
   * allowed.
   */
  valid: boolean;
  /** The schema the config was checked against, for example `"board-config/2"`. */
  schemaId: string;
  /** The first issues found, in their stable order, at most as many as the validator's cap. */
  issues: ValidationIssue[];
  /**
   * How many issues were found after those in `issues` and left out, so that a hostile config
   * (50,000 unknown keys) cannot make a result, a response or a cache entry grow with it.
   */
  omittedIssueCount: number;
}

/**
 * Builds a {@link ValidationResult} from every issue found: `valid` is derived from all of them,
 * `issues` keeps the first `maxIssues`.
 */
export function createValidationResult(
  schemaId: string,
  issues: ValidationIssue[],
  maxIssues: number,
): ValidationResult {
  const kept = issues.length > maxIssues ? issues.slice(0, maxIssues) : issues;
  return {
    valid: !issues.some((issue) => issue.severity === "error"),
    schemaId,
    issues: kept,
    omittedIssueCount: issues.length - kept.length,
  };
}

/**
 * Throws when a result has errors; the entry-point guard before a config is saved or built.
 *
 * @throws DomainError `CONFIG_INVALID` whose message names the first error and whose `details`
 *   carry `{ schemaId, issues }` (the issues the result lists, warnings included) for the
 *   transport to pass on.
 */
export function assertValidConfig(result: ValidationResult): void {
  if (result.valid) return;
  const errors = result.issues.filter((issue) => issue.severity === "error");
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  const unlisted =
    result.omittedIssueCount > 0 ? `; ${result.omittedIssueCount} further issues not listed` : "";
  const where = first === undefined || first.path === "" ? "" : ` at ${first.path}`;
  throw new DomainError(
    "CONFIG_INVALID",
    `The config does not match ${result.schemaId}${where}: ${first?.message ?? "invalid"}${more}${unlisted}`,
    { details: { schemaId: result.schemaId, issues: result.issues } },
  );
}
