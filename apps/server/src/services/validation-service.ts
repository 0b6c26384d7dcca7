import { createHash } from "node:crypto";

import { LRUCache } from "lru-cache";

import {
  DEFAULT_PARSE_CONFIG_JSON_LIMITS,
  parseConfigJson,
  type ConfigValidator,
  type ValidationIssue,
  type ValidationResult,
} from "@bbos/core";

import type { Logger } from "../logger.ts";

/** Options for {@link createValidationService}. */
export interface ValidationServiceOptions {
  validator: ConfigValidator;
  log: Logger;
  /** Upper bound on the number of cached results. @defaultValue 10_000 */
  maxEntries?: number;
  /**
   * Upper bound on the cache's total size, counted as the characters of each result's JSON plus
   * its key; the least recently used results go first.
   * @defaultValue 8_388_608 (about 16 MB of strings)
   */
  maxSize?: number;
}

/** Where the results of a service came from, since it started. */
export interface ValidationCacheStats {
  /** Served from the cache, without parsing or validating. */
  hits: number;
  /** Parsed and validated, then cached. */
  misses: number;
  /** Validated without the cache: parsed values, and text over the size limit. */
  skipped: number;
  /** Results held now. */
  entries: number;
  /** Their size, in the unit of `maxSize`. */
  size: number;
}

/** What the cache did for one call: served it, stored its result, or was not consulted. */
type CacheOutcome = "hit" | "miss" | "skipped";

/**
 * Validates untrusted configs (JSON text or an already-parsed value), with an in-process LRU
 * cache in front of configs that arrive as text. A cached result is exactly what validating would
 * return, because its key, SHA-256 over the validator's fingerprint and the exact text, covers
 * everything that decides it: the fingerprint stands for the schema, the catalogue, the declared
 * rules version and the issue mapping, and the same text always parses to the same config. Text
 * that `parseConfigJson` refuses is never cached, so a hit skips parsing as well as validating.
 *
 * Parsed values skip the cache, as measured with `npm run bench -w @bbos/server`: a key that is
 * correct for any value needs the checked copy `parseConfigJson` makes plus a serialisation of it
 * (canonical JSON costs more still), and for a typical config that is more work than validating.
 *
 * Validation is synchronous, so concurrent requests for one text never compute in parallel: the
 * first call stores its result before the next one runs.
 */
export function createValidationService(options: ValidationServiceOptions) {
  const { validator, log } = options;
  const cache = new LRUCache<string, ValidationResult>({
    max: options.maxEntries ?? 10_000,
    maxSize: options.maxSize ?? 8_388_608,
    sizeCalculation: (result, key) => key.length + JSON.stringify(result).length,
  });
  const counts: Record<CacheOutcome, number> = { hit: 0, miss: 0, skipped: 0 };

  function run(schemaId: string, input: unknown): [ValidationResult, CacheOutcome] {
    // First, so that an unknown schema id is reported before anything about the input.
    const fingerprint = validator.fingerprint(schemaId);
    // Text over the byte limit is refused by parseConfigJson; hashing it first would be waste.
    if (typeof input !== "string" || input.length > DEFAULT_PARSE_CONFIG_JSON_LIMITS.maxBytes) {
      return [validator.validate(schemaId, parseConfigJson(input)), "skipped"];
    }
    // The fingerprint is 64 hex digits, so no separator is needed before the text.
    const key = createHash("sha256").update(fingerprint).update(input).digest("hex");
    const hit = cache.get(key);
    if (hit !== undefined) return [hit, "hit"];
    const result = validator.validate(schemaId, parseConfigJson(input));
    cache.set(key, result);
    return [result, "miss"];
  }

  return {
    /**
     * Validates `input`, a parsed value or JSON text (an imported file); both pass the same
     * checks. Results are frozen, because a cached one is shared with later calls (and every
     * result is, so that callers cannot come to rely on changing one).
     *
     * @throws DomainError `SCHEMA_NOT_FOUND`, or `BAD_INPUT` / `PAYLOAD_TOO_LARGE` from
     *   `parseConfigJson`.
     */
    validate(schemaId: string, input: unknown): ValidationResult {
      const [result, outcome] = run(schemaId, input);
      freezeResult(result);
      counts[outcome]++;
      log.debug({ schemaId, cache: outcome }, "config validated");
      return result;
    },
    /** Hit, miss and skip counts since the service started, and what the cache holds now. */
    stats(): ValidationCacheStats {
      return {
        hits: counts.hit,
        misses: counts.miss,
        skipped: counts.skipped,
        entries: cache.size,
        size: cache.calculatedSize,
      };
    },
  };
}

export type ValidationService = ReturnType<typeof createValidationService>;

function freezeResult(result: ValidationResult): void {
  if (Object.isFrozen(result)) return;
  for (const issue of result.issues) Object.freeze<ValidationIssue>(issue);
  Object.freeze(result.issues);
  Object.freeze(result);
}
