import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import history from "../src/rules/rules-version-history.json" with { type: "json" };
import { RULES_VERSION } from "../src/rules/rules-version.ts";
import {
  checkRulesVersion,
  collectRuleSources,
  fingerprintSources,
  type SourceFile,
} from "./rules-version-history.ts";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

describe("RULES_VERSION", () => {
  it("is recorded in the history with the fingerprint of the current rule sources", () => {
    // When this fails, the message says which version to declare and which entry to append.
    const fingerprint = fingerprintSources(collectRuleSources(SRC));
    expect(checkRulesVersion(history.versions, RULES_VERSION, fingerprint)).toEqual([]);
  });
});

describe("collectRuleSources", () => {
  const paths = collectRuleSources(SRC).map((file) => file.path);

  it("takes every rule, the rule list and what they import from src, transitively", () => {
    expect(paths).toEqual(
      expect.arrayContaining([
        "rules/overlays-known.ts",
        "rules/rule-helpers.ts",
        "config-rules.ts",
        // imported by rules/network-static.ts
        "internal/ipv4.ts",
        // imported by config-rules.ts
        "json-pointer.ts",
        // imported by rules/rule-helpers.ts, and by validation-result.ts in turn
        "config-catalogue.ts",
        "errors.ts",
      ]),
    );
  });

  it("leaves out the version declaration and files the rules do not import", () => {
    expect(paths).not.toContain("rules/rules-version.ts");
    expect(paths).not.toContain("config-validator.ts");
    expect(paths).not.toContain("safe-json.ts");
  });
});

describe("fingerprintSources", () => {
  const files = collectRuleSources(SRC);
  const edit = (path: string, change: (text: string) => string): SourceFile[] =>
    files.map((file) => (file.path === path ? { ...file, text: change(file.text) } : file));

  it("changes when a constant a rule uses changes, although no check function changes", () => {
    const edited = edit("rules/overlays-known.ts", (text) =>
      text.replace("const MAX_LISTED = 24;", "const MAX_LISTED = 25;"),
    );
    expect(edited).not.toEqual(files);
    expect(fingerprintSources(edited)).not.toBe(fingerprintSources(files));
  });

  it("changes when a helper in another file changes", () => {
    const edited = edit("internal/ipv4.ts", (text) => `${text}\n// reviewed\n`);
    expect(fingerprintSources(edited)).not.toBe(fingerprintSources(files));
  });

  it("ignores line endings and file order", () => {
    const crlf = files.map((file) => ({ ...file, text: file.text.replaceAll("\n", "\r\n") }));
    expect(fingerprintSources(crlf.reverse())).toBe(fingerprintSources(files));
  });
});

describe("checkRulesVersion", () => {
  const v1 = { version: 1, fingerprint: "a".repeat(64) };
  const v2 = { version: 2, fingerprint: "b".repeat(64) };

  it("accepts the declared version with its recorded fingerprint", () => {
    expect(checkRulesVersion([v1, v2], 2, v2.fingerprint)).toEqual([]);
  });

  it("asks for a bump and the exact entry when the sources changed under the same version", () => {
    const problems = checkRulesVersion([v1, v2], 2, "c".repeat(64));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("Bump RULES_VERSION in packages/core/src/rules/rules-version.ts");
    expect(problems[0]).toContain(
      `to 3 and append {"version":3,"fingerprint":"${"c".repeat(64)}"}`,
    );
  });

  it("asks for the entry when the declared version was never recorded", () => {
    expect(checkRulesVersion([v1], 2, v2.fingerprint)).toEqual([
      expect.stringContaining(`Append {"version":2,"fingerprint":"${v2.fingerprint}"}`),
    ]);
  });

  it("rejects a version recorded twice with two fingerprints", () => {
    const twice = [v1, { version: 1, fingerprint: "c".repeat(64) }];
    expect(checkRulesVersion(twice, 1, v1.fingerprint)).toEqual([
      expect.stringContaining("lists version 1 after 1"),
    ]);
  });

  it("rejects a declared version below the newest recorded one", () => {
    expect(checkRulesVersion([v1, v2], 1, v1.fingerprint)).toEqual([
      expect.stringContaining("versions only go up. Set RULES_VERSION to 3"),
    ]);
  });
});
