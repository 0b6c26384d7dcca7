import { pino } from "pino";
import { describe, expect, it } from "vitest";

import {
  configRules,
  createConfigValidator,
  DomainError,
  parseConfigJson,
  type ConfigRule,
  type ConfigValidator,
} from "@bbos/core";
import { boardCatalogue, boardConfigSchemas } from "@bbos/schemas";
import maximal from "@bbos/schemas/examples/maximal.json" with { type: "json" };

import { createValidationService } from "./validation-service.ts";

const V1 = "board-config/1";
const log = pino({ level: "silent" });
const validator = createConfigValidator({ schemas: boardConfigSchemas, catalogue: boardCatalogue });
// The expensive case: the largest shipped example, as an imported file would arrive.
const maximalText = JSON.stringify(maximal, null, 2);

/** A config as text, distinct per hostname. */
function textWithHostname(hostname: string): string {
  return JSON.stringify({ ...maximal, system: { ...maximal.system, hostname } });
}

/**
 * A validator whose data can be replaced while a service holds it, as a deploy would replace the
 * rules under a cache that outlived it.
 */
function replaceableValidator(initial: ConfigValidator) {
  let current = initial;
  const validator: ConfigValidator = {
    get schemaIds() {
      return current.schemaIds;
    },
    fingerprint: (schemaId) => current.fingerprint(schemaId),
    validate: (schemaId, config) => current.validate(schemaId, config),
  };
  return { validator, replace: (next: ConfigValidator) => (current = next) };
}

describe("validation service", () => {
  it("serves the maximal example's verdict from the cache the second time", () => {
    const service = createValidationService({ validator, log });
    const first = service.validate(V1, maximalText);
    const second = service.validate(V1, maximalText);
    expect(first).toEqual(validator.validate(V1, parseConfigJson(maximalText)));
    expect(second).toEqual(first);
    expect(service.stats()).toMatchObject({ hits: 1, misses: 1, skipped: 0, entries: 1 });
  });

  it("validates parsed values without the cache, with the same verdict as text", () => {
    const service = createValidationService({ validator, log });
    const fromValue = service.validate(V1, maximal);
    expect(service.validate(V1, maximal)).toEqual(fromValue);
    expect(fromValue).toEqual(service.validate(V1, maximalText));
    expect(service.stats()).toMatchObject({ hits: 0, misses: 1, skipped: 2, entries: 1 });
  });

  it("never caches text that parseConfigJson refuses", () => {
    const service = createValidationService({ validator, log });
    for (let i = 0; i < 2; i++) {
      expect(() => service.validate(V1, '{"board":')).toThrow(DomainError);
    }
    expect(service.stats()).toMatchObject({ hits: 0, misses: 0, entries: 0 });
  });

  it("reports an unknown schema id before anything about the input", () => {
    const service = createValidationService({ validator, log });
    for (const input of ["not json", { bad: Number.NaN }]) {
      expect(() => service.validate("board-config/99", input)).toThrow(
        expect.objectContaining({ code: "SCHEMA_NOT_FOUND" }),
      );
    }
  });

  it("returns frozen results, so no caller can change what later calls get", () => {
    const service = createValidationService({ validator, log });
    const result = service.validate(V1, textWithHostname("-invalid-"));
    expect(result.valid).toBe(false);
    expect(() => result.issues.pop()).toThrow(TypeError);
    expect(() => Object.assign(result, { valid: true })).toThrow(TypeError);
    expect(service.validate(V1, textWithHostname("-invalid-"))).toEqual(result);
    expect(Object.isFrozen(service.validate(V1, maximal).issues)).toBe(true);
  });

  it("keeps at most maxEntries results, evicting the least recently used", () => {
    const service = createValidationService({ validator, log, maxEntries: 2 });
    for (const name of ["a", "b", "c"]) service.validate(V1, textWithHostname(name));
    expect(service.stats().entries).toBe(2);
    service.validate(V1, textWithHostname("c"));
    service.validate(V1, textWithHostname("a"));
    expect(service.stats()).toMatchObject({ hits: 1, misses: 4 });
  });

  it("caches a result of 50,000 issues as 100 of them and the count, a few KiB", () => {
    const config: Record<string, unknown> = { ...maximal };
    for (let i = 0; i < 50_000; i++) config[`unknown${i}`] = 1;
    const service = createValidationService({ validator, log });
    const result = service.validate(V1, JSON.stringify(config));
    expect(result.issues).toHaveLength(100);
    expect(result.omittedIssueCount).toBe(49_900);
    expect(service.stats()).toMatchObject({ misses: 1, entries: 1 });
    expect(service.stats().size).toBeLessThan(32 * 1024);
  });

  it("keeps at most maxSize of results", () => {
    const probe = createValidationService({ validator, log });
    probe.validate(V1, textWithHostname("a"));
    const oneEntry = probe.stats().size;
    const service = createValidationService({ validator, log, maxSize: oneEntry * 2 });
    for (const name of ["a", "b", "c"]) service.validate(V1, textWithHostname(name));
    expect(service.stats().entries).toBe(2);
    expect(service.stats().size).toBeLessThanOrEqual(oneEntry * 2);
  });
});

describe("validation service after a change of schema or rules", () => {
  /**
   * A rule whose verdict depends on a constant outside its check function, as the real rules
   * depend on module constants and helpers: the function's source text is the same for every
   * limit, so it cannot tell two versions apart.
   */
  function usersLimitRule(limit: number): ConfigRule {
    return {
      name: "users-limit",
      codes: ["USERS_MANY"],
      reads: ["/system/users"],
      check: (config) =>
        (config.system?.users?.length ?? 0) > limit
          ? [{ path: "/system/users", code: "USERS_MANY", message: "many", severity: "warning" }]
          : [],
    };
  }
  const withLimit = (limit: number, rulesVersion: number) =>
    createConfigValidator({
      schemas: boardConfigSchemas,
      catalogue: boardCatalogue,
      rules: [...configRules, usersLimitRule(limit)],
      rulesVersion,
    });
  const codes = (result: { issues: { code: string }[] }) => result.issues.map((i) => i.code);

  it("does not serve the old verdict once the rules version is bumped", () => {
    expect(usersLimitRule(64).check.toString()).toBe(usersLimitRule(16).check.toString());
    const { validator: deploying, replace } = replaceableValidator(withLimit(64, 1));
    const service = createValidationService({ validator: deploying, log });
    expect(codes(service.validate(V1, maximalText))).not.toContain("USERS_MANY");
    expect(codes(service.validate(V1, maximalText))).not.toContain("USERS_MANY");

    replace(withLimit(16, 2));
    expect(codes(service.validate(V1, maximalText))).toContain("USERS_MANY");
    expect(service.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it("keys by the declared version, not by the rules' code, which is why bumps are enforced", () => {
    // test/rules-version.test.ts in @bbos/core fails when rule sources change without a bump.
    const { validator: deploying, replace } = replaceableValidator(withLimit(64, 1));
    const service = createValidationService({ validator: deploying, log });
    service.validate(V1, maximalText);
    replace(withLimit(16, 1));
    expect(codes(service.validate(V1, maximalText))).not.toContain("USERS_MANY");
    expect(service.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it("does not serve the old verdict once the schema changed", () => {
    const { validator: deploying, replace } = replaceableValidator(validator);
    const service = createValidationService({ validator: deploying, log });
    service.validate(V1, maximalText);
    const v1 = boardConfigSchemas[V1];
    replace(
      createConfigValidator({
        schemas: { [V1]: { schema: { ...v1.schema, description: "revised" } } },
        catalogue: boardCatalogue,
      }),
    );
    service.validate(V1, maximalText);
    expect(service.stats()).toMatchObject({ hits: 0, misses: 2 });
  });
});
