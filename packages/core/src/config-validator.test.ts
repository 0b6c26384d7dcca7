import { boardCatalogue, boardConfigSchemas, latestBoardConfigSchemaId } from "@bbos/schemas";
import maximal from "@bbos/schemas/examples/maximal.json" with { type: "json" };
import qemu from "@bbos/schemas/examples/qemu-arm64.json" with { type: "json" };
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };
import { describe, expect, it } from "vitest";

import { configRules } from "./config-rules.ts";
import { createConfigValidator } from "./config-validator.ts";
import { defaultConfigValidator } from "./default-registry.ts";
import { DomainError } from "./errors.ts";
import { RULES_VERSION } from "./rules/rules-version.ts";
import { parseConfigJson } from "./safe-json.ts";
import { migrateConfig } from "./schema-migrations.ts";
import { assertValidConfig, type ValidationIssue } from "./validation-result.ts";
import { captureDomainError } from "../test/capture-domain-error.ts";

const V1 = "board-config/1";
const V2 = "board-config/2";
const validator = defaultConfigValidator();

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * typical.json builds bookworm with the armbian recipe, which Armbian now supports only with
 * EXPERT=yes (support level csc): RELEASE_EXPERT. Tests about other issues start from a copy on
 * trixie, a fully supported release, so that their issue lists stay exact.
 */
function supportedTypical(): typeof typical {
  const config = clone(typical);
  config.os.release = "trixie";
  return config;
}

function issueAt(issues: ValidationIssue[], path: string): ValidationIssue | undefined {
  return issues.find((issue) => issue.path === path);
}

describe("the shipped examples", () => {
  it.each([
    ["typical", typical],
    ["maximal", maximal],
    ["qemu-arm64", qemu],
  ])("%s is valid against schema 1 and, migrated, against schema 2", (_name, example) => {
    const v1 = validator.validate(V1, example);
    expect(v1.issues.filter((issue) => issue.severity === "error")).toEqual([]);
    expect(v1).toMatchObject({ valid: true, schemaId: V1 });
    const v2 = validator.validate(V2, migrateConfig(example, V1, V2));
    expect(v2.valid).toBe(true);
  });

  it("gives the typical and maximal examples no warnings but typical's release warning", () => {
    expect(validator.validate(V1, typical).issues).toEqual([
      expect.objectContaining({ path: "/os/release", code: "RELEASE_EXPERT", severity: "warning" }),
    ]);
    expect(validator.validate(V1, supportedTypical()).issues).toEqual([]);
    expect(validator.validate(V1, maximal).issues).toEqual([]);
  });

  it("passes the examples through parseConfigJson unchanged", () => {
    expect(parseConfigJson(JSON.stringify(maximal))).toEqual(maximal);
  });
});

describe("createConfigValidator", () => {
  it("lists the registered schema ids", () => {
    expect(validator.schemaIds).toEqual(["board-config/1", "board-config/2", "board-config/3"]);
  });

  it("rejects an unknown schema id with SCHEMA_NOT_FOUND naming the known ones", () => {
    for (const id of ["board-config/9", "", "constructor", "__proto__"]) {
      try {
        validator.validate(id, typical);
        expect.fail("expected SCHEMA_NOT_FOUND");
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe("SCHEMA_NOT_FOUND");
        expect((error as DomainError).message).toContain("board-config/1, board-config/2");
      }
    }
  });

  it("fails loudly when a schema does not compile in strict mode", () => {
    const schemas = { broken: { schema: { type: "object", unknownKeyword: true } } };
    expect(() => createConfigValidator({ schemas, catalogue: boardCatalogue })).toThrow(
      /does not compile in strict mode/,
    );
  });

  it("never changes the config it validates", () => {
    const config = clone(typical);
    validator.validate(V1, config);
    validator.validate(latestBoardConfigSchemaId, config);
    expect(config).toEqual(typical);
  });

  it("returns a singleton from defaultConfigValidator", () => {
    expect(defaultConfigValidator()).toBe(validator);
  });
});

describe("fingerprint", () => {
  it("is stable per schema id and differs between ids", () => {
    const again = createConfigValidator({ schemas: boardConfigSchemas, catalogue: boardCatalogue });
    expect(again.fingerprint(V1)).toBe(validator.fingerprint(V1));
    expect(validator.fingerprint(V1)).toMatch(/^[0-9a-f]{64}$/);
    expect(validator.fingerprint(V1)).not.toBe(validator.fingerprint("board-config/2"));
  });

  it("changes when the schema or the catalogue changes", () => {
    const v1 = boardConfigSchemas[V1];
    const revisedSchema = createConfigValidator({
      schemas: { [V1]: { schema: { ...v1.schema, description: "revised" } } },
      catalogue: boardCatalogue,
    });
    expect(revisedSchema.fingerprint(V1)).not.toBe(validator.fingerprint(V1));
    const revisedCatalogue = createConfigValidator({
      schemas: boardConfigSchemas,
      catalogue: { ...boardCatalogue, boards: boardCatalogue.boards.slice(1) },
    });
    expect(revisedCatalogue.fingerprint(V1)).not.toBe(validator.fingerprint(V1));
  });

  it("changes when the declared rules version changes", () => {
    const bumped = createConfigValidator({
      schemas: boardConfigSchemas,
      catalogue: boardCatalogue,
      rules: configRules,
      rulesVersion: RULES_VERSION + 1,
    });
    expect(bumped.fingerprint(V1)).not.toBe(validator.fingerprint(V1));
  });

  it("is built from data: rule code alone does not change it, the declared version does", () => {
    // A rule's verdict also depends on constants and helpers its code only refers to, so its
    // source text is no evidence of change; the declared version is.
    const silenced = configRules.map((rule) => ({ ...rule, check: () => [] }));
    const sameVersion = createConfigValidator({
      schemas: boardConfigSchemas,
      catalogue: boardCatalogue,
      rules: silenced,
      rulesVersion: RULES_VERSION,
    });
    expect(sameVersion.fingerprint(V1)).toBe(validator.fingerprint(V1));
  });

  it("throws SCHEMA_NOT_FOUND for an unknown id", () => {
    expect(() => validator.fingerprint("nope")).toThrow(DomainError);
  });
});

describe("schema issues", () => {
  it("maps a pattern failure to SCHEMA_PATTERN at the field, quoting the value and saying what is accepted", () => {
    const config = supportedTypical();
    config.system.hostname = "Not_A_Host";
    const result = validator.validate(V1, config);
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({
        path: "/system/hostname",
        code: "SCHEMA_PATTERN",
        severity: "error",
      }),
    ]);
    expect(result.issues[0]?.message).toBe(
      'hostname "Not_A_Host" is not valid: A single RFC 1123 label: 1 to 63 lower-case letters,' +
        " digits and hyphens, not starting or ending with a hyphen",
    );
  });

  it("describes a path the schema's not excludes in words, once when its pattern fails too", () => {
    const config = supportedTypical();
    const described =
      'is not valid: Absolute destination path in the image, for example "/etc/motd".' +
      ' No "." or ".." segments and no trailing slash';
    config.files = [
      { fileId: "f_a", path: "/etc/../motd" },
      { fileId: "f_b", path: "etc/" },
    ] as unknown as typeof config.files;
    const issues = validator.validate(V1, config).issues;
    expect(issues).toEqual([
      expect.objectContaining({
        path: "/files/0/path",
        code: "SCHEMA_NOT",
        message: `path "/etc/../motd" ${described}`,
      }),
      expect.objectContaining({
        path: "/files/1/path",
        code: "SCHEMA_NOT",
        message: `path "etc/" ${described}`,
      }),
    ]);
  });

  it("appends the missing property to the path of a required failure", () => {
    const { system: _system, ...config } = clone(typical);
    const issue = issueAt(validator.validate(V1, config).issues, "/system");
    expect(issue).toMatchObject({ code: "SCHEMA_REQUIRED" });
    expect(issue?.message).toBe("System ('system') is required");
  });

  it("names an unknown property and lists the allowed ones", () => {
    const config = { ...clone(typical), foo: 1 };
    const issue = issueAt(validator.validate(V1, config).issues, "/foo");
    expect(issue).toMatchObject({ code: "SCHEMA_ADDITIONAL_PROPERTY" });
    expect(issue?.message).toMatch(/^unknown property 'foo' \(allowed: board, os,/);
  });

  it("maps type and enum failures", () => {
    const config = clone(typical) as Record<string, unknown> & typeof typical;
    (config.image as Record<string, unknown>)["compression"] = "gzip";
    (config.system.ssh as Record<string, unknown>)["port"] = "22";
    const issues = validator.validate(V1, config).issues;
    expect(issueAt(issues, "/image/compression")).toMatchObject({
      code: "SCHEMA_ENUM",
      message: 'compression "gzip" must be one of: xz, zstd, none',
    });
    expect(issueAt(issues, "/system/ssh/port")).toMatchObject({
      code: "SCHEMA_TYPE",
      message: "port must be an integer (a whole number)",
    });
  });

  it("reports every problem at once and points duplicates at the second entry", () => {
    const config = clone(typical);
    config.packages.install = ["vim", "vim", "Bad Name"];
    const issues = validator.validate(V1, config).issues;
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual(
      expect.arrayContaining([
        ["/packages/install/2", "SCHEMA_PATTERN"],
        ["/packages/install/1", "SCHEMA_UNIQUE_ITEMS"],
      ]),
    );
  });

  it("never quotes a writeOnly secret back", () => {
    const config = clone(typical) as Record<string, unknown>;
    config["network"] = {
      ethernet: { mode: "dhcp" },
      wifi: { ssid: "lab", psk: "short\u0001secret" },
    };
    const issue = issueAt(validator.validate(V1, config).issues, "/network/wifi/psk");
    expect(issue?.code).toBe("SCHEMA_PATTERN");
    expect(issue?.message).not.toContain("secret");
  });

  it("reports a non-object config once, at the root, and runs no rules", () => {
    for (const config of [null, [], "board", 42]) {
      expect(validator.validate(V1, config).issues).toEqual([
        expect.objectContaining({
          path: "",
          code: "SCHEMA_TYPE",
          message: "the config must be an object",
        }),
      ]);
    }
  });

  it("checks the v2 image size and its unit-dependent range", () => {
    const config = migrateConfig(typical, V1, "board-config/2");
    expect(validator.validate("board-config/2", config).valid).toBe(true);
    (config["image"] as Record<string, unknown>)["size"] = { value: 100, unit: "GiB" };
    const issue = issueAt(validator.validate("board-config/2", config).issues, "/image/size/value");
    expect(issue).toMatchObject({ code: "SCHEMA_MAXIMUM", message: "value must be at most 64" });
  });
});

describe("schema issues together with rules", () => {
  it("replaces the schema's required desktop with DESKTOP_NEEDS_ENVIRONMENT", () => {
    const config = supportedTypical() as Record<string, unknown>;
    config["os"] = { release: "trixie", branch: "current", variant: "desktop" };
    const result = validator.validate(V1, config);
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({ path: "/os/desktop", code: "DESKTOP_NEEDS_ENVIRONMENT" }),
    ]);
  });

  it("replaces the schema's required static address with NETWORK_STATIC_INCOMPLETE", () => {
    const config = supportedTypical() as Record<string, unknown>;
    config["network"] = { ethernet: { mode: "static", gateway: "192.168.10.1" } };
    expect(validator.validate(V1, config).issues).toEqual([
      expect.objectContaining({
        path: "/network/ethernet/address",
        code: "NETWORK_STATIC_INCOMPLETE",
      }),
    ]);
  });

  it("still runs rules on sound sections when another section is invalid", () => {
    const config = supportedTypical();
    config.system.hostname = "-bad-";
    config.board = "rock-99";
    const codes = validator.validate(V1, config).issues.map((issue) => issue.code);
    expect(codes).toEqual(["SCHEMA_PATTERN", "BOARD_UNKNOWN"]);
  });

  it("does not run a rule on a section with schema errors", () => {
    const config = clone(typical);
    config.board = "Rock 5B";
    const codes = validator.validate(V1, config).issues.map((issue) => issue.code);
    expect(codes).toEqual(["SCHEMA_PATTERN"]);
  });

  it("keeps warnings without making the config invalid", () => {
    const result = validator.validate(V1, qemu);
    expect(result.valid).toBe(true);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: "SSH_NO_LOGIN", severity: "warning" }),
    ]);
    expect(() => assertValidConfig(result)).not.toThrow();
  });

  it("turns an invalid result into CONFIG_INVALID carrying every issue", () => {
    const config = clone(typical);
    config.build.recipe = "debian";
    const result = validator.validate(V1, config);
    try {
      assertValidConfig(result);
      expect.fail("expected CONFIG_INVALID");
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("CONFIG_INVALID");
      expect((error as DomainError).message).toContain("at /build/recipe");
      expect((error as DomainError).details).toEqual({ schemaId: V1, issues: result.issues });
    }
  });
});

describe("hostile input end to end", () => {
  const pipeline = (input: unknown) => validator.validate(V1, parseConfigJson(input));

  it("rejects text that is not JSON with its position", () => {
    const error = captureDomainError(() => pipeline('{"board": "rock-5b",}'));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain("line 1, column 21");
  });

  it("rejects a 10 MB payload before parsing it", () => {
    const text = JSON.stringify({ ...typical, kernel: { cmdline: "x".repeat(10_000_000) } });
    expect(captureDomainError(() => pipeline(text)).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("rejects 10k-deep nesting as text and as an object", () => {
    const text = `{"board":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    expect(captureDomainError(() => pipeline(text)).code).toBe("BAD_INPUT");
    let deep: unknown = "leaf";
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(captureDomainError(() => pipeline({ ...typical, build: deep })).code).toBe("BAD_INPUT");
  });

  it.each(["__proto__", "constructor", "prototype"])(
    "rejects a %s key and pollutes nothing",
    (key) => {
      const text = `{"board":"rock-5b","system":{"${key}":{"polluted":true}}}`;
      const error = captureDomainError(() => pipeline(text));
      expect(error.code).toBe("BAD_INPUT");
      expect(error.details?.["path"]).toBe(`/system/${key}`);
      expect(captureDomainError(() => pipeline(JSON.parse(text))).code).toBe("BAD_INPUT");
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    },
  );
});
