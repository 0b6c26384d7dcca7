import type { BoardConfigV1, BoardConfigV2 } from "@bbos/schemas";

import type { ConfigCatalogue } from "../config-catalogue.ts";
import type { ValidationIssue } from "../validation-result.ts";

/** Every property optional, all the way down (array items go partial too). */
export type DeepPartial<T> = T extends readonly (infer TItem)[]
  ? DeepPartial<TItem>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * What a rule sees: a config of either schema version in which every value the rule `reads` has
 * passed the schema, but any value may be absent (a missing required field is the schema's to
 * report, and must not make a rule crash).
 */
export type ConfigRuleInput = DeepPartial<BoardConfigV1> | DeepPartial<BoardConfigV2>;

/**
 * A cross-field check that JSON Schema cannot express: a small pure function plus the metadata
 * the validator needs to decide whether it may run.
 */
export interface ConfigRule {
  /** Stable kebab-case name, for tests and logs. */
  readonly name: string;
  /** The issue codes the rule can emit. */
  readonly codes: readonly string[];
  /**
   * JSON Pointers of the values the rule reads. The validator skips the rule when the schema
   * reported an error other than a missing required property at, above or below one of them, so
   * `check` can trust the types of whatever is present.
   */
  readonly reads: readonly string[];
  /** The check itself: data in, issues out; never throws on absent values. */
  readonly check: (config: ConfigRuleInput, catalogue: ConfigCatalogue) => ValidationIssue[];
}
