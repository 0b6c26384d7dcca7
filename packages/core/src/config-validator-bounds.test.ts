// Hostile sizes: the time of one validation must grow with the size of its input, never with the
// square of a list in it, and its result must not grow with the number of problems found.
import { boardCatalogue, boardConfigSchemas } from "@bbos/schemas";
import maximal from "@bbos/schemas/examples/maximal.json" with { type: "json" };
import { describe, expect, it } from "vitest";

import { createConfigAjv } from "./config-ajv.ts";
import { createConfigValidator } from "./config-validator.ts";
import { defaultConfigValidator } from "./default-registry.ts";
import { toSchemaIssues } from "./internal/ajv-issues.ts";
import { parseConfigJson } from "./safe-json.ts";
import { assertValidConfig, type ValidationResult } from "./validation-result.ts";
import { captureDomainError } from "../test/capture-domain-error.ts";

const V1 = "board-config/1";
const V2 = "board-config/2";
const validator = defaultConfigValidator();
const uncapped = createConfigValidator({
  schemas: boardConfigSchemas,
  catalogue: boardCatalogue,
  maxIssues: Number.POSITIVE_INFINITY,
});

/**
 * Validates `config` (parsed from its text first, as every entry point does) `runs` times and
 * returns the fastest time: a figure of the algorithm, not of the JIT warming up or of another
 * test file's worker taking the core.
 */
function timedValidation(schemaId: string, config: unknown, using = validator, runs = 1) {
  const text = JSON.stringify(config);
  const parsed = parseConfigJson(text);
  let started = performance.now();
  let result = using.validate(schemaId, parsed);
  let ms = performance.now() - started;
  for (let run = 1; run < runs; run++) {
    started = performance.now();
    result = using.validate(schemaId, parsed);
    ms = Math.min(ms, performance.now() - started);
  }
  return { result, ms, kib: text.length / 1024 };
}

/** The issues bare Ajv reports for `config`, mapped like ours, without the pre-check. */
function bareAjvIssues(schemaId: "board-config/1" | "board-config/2", config: unknown) {
  const check = createConfigAjv().compile(boardConfigSchemas[schemaId].schema);
  check(config);
  return toSchemaIssues(check.errors);
}

const names = (count: number) => Array.from({ length: count }, (_, i) => `p${i}`);

describe("lists far over their maxItems", () => {
  it.each([
    ["/packages/install", { packages: { install: names(100_000) } }, 500],
    ["/packages/remove", { packages: { remove: names(100_000) } }, 500],
    // Distinct entries, as in the finding: Ajv stops comparing pairs at the first duplicate. Too
    // short to be addresses, so that 100,000 of them fit the 1 MiB limit.
    ["/network/ethernet/dns", { network: { ethernet: { dns: names(100_000) } } }, 3],
  ])("reports %s with 100,000 entries in well under a second", (path, part, limit) => {
    const { result, ms, kib } = timedValidation(V2, { board: "rock-5b", ...part });
    console.log(
      `${path}, 100,000 entries (${kib.toFixed(0)} KiB): validated in ${ms.toFixed(1)} ms`,
    );

    expect(ms).toBeLessThan(500);
    const label = path.split("/").at(-1) ?? "";
    expect(result.issues).toContainEqual({
      path,
      code: "SCHEMA_MAX_ITEMS",
      message: `${label} must have at most ${limit} entries`,
      severity: "error",
    });
    // The list is reported alone: nothing inside it was checked.
    expect(result.issues.filter((issue) => issue.path.startsWith(`${path}/`))).toEqual([]);
  });

  it("reports the issue exactly as Ajv does, and the rest of the config as before", () => {
    const config = {
      board: "rock-5b",
      packages: { install: names(501), remove: ["nano"] },
      system: { hostname: "-bad-" },
    };
    const ajv = bareAjvIssues(V2, config);
    expect(ajv.map((issue) => issue.code)).toContain("SCHEMA_MAX_ITEMS");
    const ours = timedValidation(V2, config).result.issues.filter((issue) =>
      issue.code.startsWith("SCHEMA_"),
    );
    expect(ours).toHaveLength(ajv.length);
    expect(ours).toEqual(expect.arrayContaining(ajv));
  });

  it("still checks every entry of a list within its limit", () => {
    const { result } = timedValidation(V2, {
      board: "rock-5b",
      packages: { install: ["vim", "vim", "Bad Name"] },
    });
    expect(result.issues.map(({ path, code }) => [path, code])).toEqual(
      expect.arrayContaining([
        ["/packages/install/1", "SCHEMA_UNIQUE_ITEMS"],
        ["/packages/install/2", "SCHEMA_PATTERN"],
      ]),
    );
  });

  it("checks the uniqueness of 500 entries of the wrong type in linear time", () => {
    // Arrays that differ only in their first element: comparing every pair of them deeply (what
    // Ajv does when the items' type is unknown) costs 500² / 2 deep comparisons.
    const install = Array.from({ length: 500 }, (_, i) => [
      i,
      ...Array.from({ length: 400 }, () => 1),
    ]);
    const config = { board: "rock-5b", packages: { install } };
    const { result, ms, kib } = timedValidation(V2, config, uncapped, 3);
    const msPerKib = ms / kib;
    console.log(
      `500 wrong-typed package entries (${kib.toFixed(0)} KiB): ${ms.toFixed(1)} ms, ` +
        `${msPerKib.toFixed(3)} ms/KiB`,
    );

    const codes = result.issues.map((issue) => issue.code);
    expect(codes.filter((code) => code === "SCHEMA_TYPE")).toHaveLength(500);
    expect(codes).not.toContain("SCHEMA_UNIQUE_ITEMS");
    expect(msPerKib).toBeLessThan(0.25);
  });
});

describe("a valid config near the size limit", () => {
  it("validates in time proportional to its size", () => {
    // 200 files with 4,000-character paths: about 840 KiB, every value within its limits.
    const segment = "data-0123456789/";
    const files = Array.from({ length: 200 }, (_, i) => ({
      fileId: `f_${i}`,
      path: `/srv/${i}/${segment.repeat(249)}file`,
      mode: "0644",
    }));
    const config = { ...maximal, files };
    const { result, ms, kib } = timedValidation(V1, config, validator, 3);
    const msPerKib = ms / kib;
    console.log(
      `valid config of ${kib.toFixed(0)} KiB: ${ms.toFixed(1)} ms, ${msPerKib.toFixed(3)} ms/KiB`,
    );

    expect(kib).toBeGreaterThan(800);
    expect(result.issues).toEqual([]);
    expect(msPerKib).toBeLessThan(0.2);
  });
});

describe("the issue cap", () => {
  const unknownKeys: Record<string, unknown> = { board: "rock-5b" };
  for (let i = 0; i < 50_000; i++) unknownKeys[`p${i}`] = 1;

  it("lists 100 of the issues of 50,000 unknown keys and counts the rest", () => {
    const { result, ms, kib } = timedValidation(V2, unknownKeys);
    const msPerKib = ms / kib;
    console.log(
      `50,000 unknown keys (${kib.toFixed(0)} KiB): validated in ${ms.toFixed(0)} ms, ` +
        `${msPerKib.toFixed(3)} ms/KiB`,
    );

    expect(result.valid).toBe(false);
    expect(result.issues).toHaveLength(100);
    // Two missing sections, 50,000 unknown keys, a recipe error and an SSH warning.
    expect(result.omittedIssueCount).toBe(50_004 - 100);
    expect(JSON.stringify(result).length).toBeLessThan(64 * 1024);
    // The most issues per byte a config can carry; still a few milliseconds per KiB at most.
    expect(msPerKib).toBeLessThan(3);
  });

  it("keeps the first issues in the order an uncapped validator reports them", () => {
    const all = uncapped.validate(V2, unknownKeys);
    expect(all.issues).toHaveLength(50_004);
    expect(all.omittedIssueCount).toBe(0);
    expect(validator.validate(V2, unknownKeys).issues).toEqual(all.issues.slice(0, 100));
  });

  it("derives valid from every issue, the omitted ones too", () => {
    const none = createConfigValidator({
      schemas: boardConfigSchemas,
      catalogue: boardCatalogue,
      maxIssues: 0,
    });
    const result: ValidationResult = none.validate(V1, { board: "rock-5b" });
    expect(result).toMatchObject({ valid: false, issues: [] });
    expect(result.omittedIssueCount).toBeGreaterThan(0);
  });

  it("says how many issues an invalid config's error leaves unlisted", () => {
    const one = createConfigValidator({
      schemas: boardConfigSchemas,
      catalogue: boardCatalogue,
      maxIssues: 1,
    });
    const result = one.validate(V1, { board: "rock-5b" });
    const error = captureDomainError(() => assertValidConfig(result));
    expect(error.message).toMatch(/; \d+ further issues not listed$/);
    expect(error.message).toContain(`${result.omittedIssueCount} further issues`);
  });

  it("is part of the fingerprint", () => {
    const other = createConfigValidator({
      schemas: boardConfigSchemas,
      catalogue: boardCatalogue,
      maxIssues: 10,
    });
    expect(other.fingerprint(V1)).not.toBe(validator.fingerprint(V1));
  });
});
