import type { Redis } from "ioredis";

import {
  canonicalJson,
  parseConfigJson,
  sha256Hex,
  type ConfigValidator,
  type ValidationResult,
} from "@bbos/core";

import type { Logger } from "../logger.ts";

/** Options for {@link createValidationService}. */
export interface ValidationServiceOptions {
  validator: ConfigValidator;
  redis: Redis;
  log: Logger;
  /** How long a cached result lives. @defaultValue 86400 (one day) */
  ttlSeconds?: number;
  /** Key namespace, so tests do not share entries. @defaultValue "bbos" */
  keyPrefix?: string;
}

export interface CachedValidationResult extends ValidationResult {
  /** Whether the result came from the Redis cache. */
  cached: boolean;
}

/**
 * Validates untrusted configs with a Redis cache in front. The key is sha256(schema id +
 * canonical JSON), namespaced by the validator's fingerprint of the schema and the board
 * catalogue: when either changes, every old entry stops matching (and expires by TTL).
 * A cache that fails is logged and bypassed; validation never depends on it.
 */
export function createValidationService(options: ValidationServiceOptions) {
  const { validator, redis, log, ttlSeconds = 86_400, keyPrefix = "bbos" } = options;

  function cacheKey(schemaId: string, config: unknown): string {
    const namespace = validator.fingerprint(schemaId);
    return `${keyPrefix}:validation:${namespace}:${sha256Hex(`${schemaId}\n${canonicalJson(config)}`)}`;
  }

  async function readCache(key: string): Promise<ValidationResult | null> {
    try {
      const hit = await redis.get(key);
      return hit ? (JSON.parse(hit) as ValidationResult) : null;
    } catch (error) {
      log.warn({ err: error }, "validation cache read failed; validating without it");
      return null;
    }
  }

  async function writeCache(key: string, result: ValidationResult): Promise<void> {
    try {
      await redis.set(key, JSON.stringify(result), "EX", ttlSeconds);
    } catch (error) {
      log.warn({ err: error }, "validation cache write failed; result not cached");
    }
  }

  return {
    /** `input` is a parsed value or JSON text (an imported file); both pass the same checks. */
    async validate(schemaId: string, input: unknown): Promise<CachedValidationResult> {
      const config = parseConfigJson(input);
      const key = cacheKey(schemaId, config);
      const hit = await readCache(key);
      if (hit) return { ...hit, cached: true };
      const result = validator.validate(schemaId, config);
      await writeCache(key, result);
      return { ...result, cached: false };
    },
  };
}

export type ValidationService = ReturnType<typeof createValidationService>;
