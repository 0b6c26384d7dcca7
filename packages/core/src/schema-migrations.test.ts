import maximal from "@bbos/schemas/examples/maximal.json" with { type: "json" };
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };
import { describe, expect, it } from "vitest";

import { defaultConfigValidator } from "./default-registry.ts";
import { DomainError } from "./errors.ts";
import { findMigrationChain, migrateConfig, type SchemaMigration } from "./schema-migrations.ts";

const V1 = "board-config/1";
const V2 = "board-config/2";

function withImage(image: Record<string, unknown> | undefined): Record<string, unknown> {
  const { image: _image, ...rest } = structuredClone(typical);
  return image === undefined ? rest : { ...rest, image };
}

describe("migrateConfig 1 → 2", () => {
  it("migrates the typical example into a config valid against schema 2", () => {
    const migrated = migrateConfig(typical, V1, V2);
    expect(migrated["image"]).toEqual({
      rootfs: "ext4",
      size: { value: 4, unit: "GiB" },
      compression: "xz",
    });
    // typical.json's bookworm needs EXPERT=yes with the armbian recipe: a warning, nothing else.
    expect(defaultConfigValidator().validate(V2, migrated)).toMatchObject({
      valid: true,
      issues: [expect.objectContaining({ code: "RELEASE_EXPERT", severity: "warning" })],
    });
  });

  it.each([
    [2048, { value: 2, unit: "GiB" }],
    [65536, { value: 64, unit: "GiB" }],
    [512, { value: 512, unit: "MiB" }],
    [3000, { value: 3000, unit: "MiB" }],
    [1536, { value: 1536, unit: "MiB" }],
  ])("turns sizeMiB %i into %o, valid against schema 2", (sizeMiB, size) => {
    const migrated = migrateConfig(withImage({ sizeMiB }), V1, V2);
    expect(migrated["image"]).toEqual({ size });
    expect(defaultConfigValidator().validate(V2, migrated).valid).toBe(true);
  });

  it("adds no size when there is no sizeMiB or no image", () => {
    expect(migrateConfig(withImage({ rootfs: "btrfs" }), V1, V2)["image"]).toEqual({
      rootfs: "btrfs",
    });
    expect(migrateConfig(withImage(undefined), V1, V2)).not.toHaveProperty("image");
  });

  it("copies everything else unchanged and never changes its input", () => {
    const input = structuredClone(typical);
    const migrated = migrateConfig(input, V1, V2);
    expect(input).toEqual(typical);
    const { image: _a, ...restIn } = input;
    const { image: _b, ...restOut } = migrated;
    expect(restOut).toEqual(restIn);
    expect(migrated["system"]).not.toBe(input.system);
  });

  it("returns a copy when from and to are the same", () => {
    const migrated = migrateConfig(typical, V2, V2);
    expect(migrated).toEqual(typical);
    expect(migrated).not.toBe(typical);
  });
});

describe("board-config/2 → board-config/3", () => {
  it("changes nothing: the values in secret fields are for the caller to move into the store", () => {
    const v2 = migrateConfig(maximal, V1, V2);
    const v3 = migrateConfig(v2, V2, "board-config/3");
    expect(v3).toEqual(v2);
    // Until then, v3 refuses exactly the plain values: every error is at a secret field.
    const errors = defaultConfigValidator()
      .validate("board-config/3", v3)
      .issues.filter((issue) => issue.severity === "error");
    expect(errors.map((issue) => issue.path)).toContain("/network/wifi/psk");
    expect(errors.every((issue) => /\/(passwordHash|psk)$/.test(issue.path))).toBe(true);
  });
});

describe("migration paths", () => {
  it.each([
    [V2, V1],
    ["board-config/9", V2],
    ["board-config/3", V2],
    ["nope", "nope"],
  ])("rejects %s → %s with SCHEMA_NOT_FOUND", (from, to) => {
    try {
      migrateConfig(typical, from, to);
      expect.fail("expected SCHEMA_NOT_FOUND");
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("SCHEMA_NOT_FOUND");
      expect((error as DomainError).message).toContain(
        "known schemas: board-config/1, board-config/2, board-config/3",
      );
    }
  });

  it("chains several steps in order and stops on a cycle", () => {
    const step = (from: string, to: string): SchemaMigration => ({
      from,
      to,
      migrate: (config) => ({
        ...config,
        trail: [...((config["trail"] as string[] | undefined) ?? []), to],
      }),
    });
    const steps = [step("a", "b"), step("b", "c"), step("c", "d")];
    expect(migrateConfig({}, "a", "d", steps)).toEqual({ trail: ["b", "c", "d"] });
    expect(findMigrationChain("b", "d", steps).map((s) => s.to)).toEqual(["c", "d"]);
    expect(() => findMigrationChain("a", "z", [step("a", "b"), step("b", "a")])).toThrow(
      DomainError,
    );
  });

  it("rejects a config that is not an object with BAD_INPUT", () => {
    expect(() => migrateConfig([], V1, V2)).toThrow(expect.objectContaining({ code: "BAD_INPUT" }));
  });
});
