import { describe, expect, it } from "vitest";

import {
  BUILDER_PACKAGES,
  builderImageDefinition,
  builderImageId,
  builderImageTag,
  defineBuilderImage,
} from "./builder-image-definition.ts";

describe("builder image definition", () => {
  it("names the image by the hash of its definition", () => {
    expect(builderImageId()).toMatch(/^[0-9a-f]{64}$/);
    expect(builderImageTag()).toBe(`bbos-builder:${builderImageId().slice(0, 16)}`);
    expect(builderImageId(defineBuilderImage([...BUILDER_PACKAGES]))).toBe(builderImageId());
  });

  it("is a new image when the package list changes", () => {
    const more = defineBuilderImage([...BUILDER_PACKAGES, "qemu-utils"]);
    expect(builderImageId(more)).not.toBe(builderImageId());
    expect(more.dockerfile).toContain("qemu-utils");
  });

  it("keeps the package list sorted, so equal lists hash equally", () => {
    expect([...builderImageDefinition.packages]).toEqual([...BUILDER_PACKAGES].sort());
  });
});
