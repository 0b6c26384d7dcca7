import { describe, expect, it } from "vitest";

import { canonicalJson } from "@bbos/core";

import {
  BUILDER_PACKAGES,
  builderImageDefinition,
  builderImageId,
  builderImageTag,
  defineBuilderImage,
} from "./builder-image-definition.ts";

describe("builderImageTag", () => {
  it("is the first 16 hex chars of the definition hash, the same on every call", () => {
    expect(builderImageId()).toMatch(/^[0-9a-f]{64}$/);
    expect(builderImageTag()).toBe(`bbos-builder:${builderImageId().slice(0, 16)}`);
    expect(builderImageTag()).toBe(builderImageTag(defineBuilderImage([...BUILDER_PACKAGES])));
  });

  it("has not changed by accident", () => {
    // Changing the definition (packages, Dockerfile, base) must change the tag: every machine then
    // makes the new image. When you change it on purpose, put the new tag here.
    expect(builderImageTag()).toBe("bbos-builder:21ddae3a47c4f94c");
  });

  it("changes when the package list changes", () => {
    const withCurl = defineBuilderImage([...BUILDER_PACKAGES, "curl"].sort());
    expect(builderImageTag(withCurl)).not.toBe(builderImageTag());
    const withoutZstd = defineBuilderImage(BUILDER_PACKAGES.filter((name) => name !== "zstd"));
    expect(builderImageTag(withoutZstd)).not.toBe(builderImageTag());
  });

  it("does not depend on the mirror", () => {
    expect(canonicalJson(builderImageDefinition)).not.toMatch(/https?:/);
  });
});

describe("BUILDER_PACKAGES", () => {
  it("is sorted and has no duplicates", () => {
    expect([...new Set(BUILDER_PACKAGES)].sort()).toEqual([...BUILDER_PACKAGES]);
  });

  it("is what the Dockerfile installs, without recommends", () => {
    expect(builderImageDefinition.dockerfile).toContain(
      `--no-install-recommends \\\n    ${BUILDER_PACKAGES.join(" ")} \\`,
    );
    expect(builderImageDefinition.dockerfile).toContain("rm -rf /var/lib/apt/lists/*");
  });
});
