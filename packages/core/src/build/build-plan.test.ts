import { describe, expect, it } from "vitest";

import {
  buildCacheKey,
  estimateRemainingMs,
  overallProgress,
  imageCompressionOf,
  withImageCompression,
} from "./build-plan.ts";

const key = {
  contentHash: "a".repeat(64),
  recipe: { id: "debian", version: "1" },
  builderImageId: "b".repeat(16),
  files: [
    { path: "overlay/etc/motd", sha256: "c".repeat(64) },
    { path: "customize.sh", sha256: "d".repeat(64) },
  ],
};

describe("buildCacheKey", () => {
  it("is the same for the same inputs, whatever the order of the files", () => {
    expect(buildCacheKey(key)).toBe(buildCacheKey({ ...key, files: [...key.files].reverse() }));
    expect(buildCacheKey(key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["config", { contentHash: "e".repeat(64) }],
    ["recipe version", { recipe: { id: "debian", version: "2" } }],
    ["builder image", { builderImageId: "f".repeat(16) }],
    ["a referenced file", { files: [{ path: "customize.sh", sha256: "0".repeat(64) }] }],
  ])("changes with the %s", (_name, change) => {
    expect(buildCacheKey({ ...key, ...change })).not.toBe(buildCacheKey(key));
  });
});

describe("overallProgress", () => {
  const stages = [
    { id: "download", title: "Download", weight: 1 },
    { id: "rootfs", title: "Root file system", weight: 6 },
    { id: "image", title: "Image", weight: 3 },
  ];

  it("weighs stages by their expected share", () => {
    expect(overallProgress(stages, "download", 1)).toBeCloseTo(0.1);
    expect(overallProgress(stages, "rootfs", 0.5)).toBeCloseTo(0.4);
    expect(overallProgress(stages, "image", 1)).toBe(1);
  });

  it("counts an unknown stage as not started and clamps the fraction", () => {
    expect(overallProgress(stages, "nope", 0.5)).toBe(0);
    expect(overallProgress(stages, "download", 7)).toBeCloseTo(0.1);
  });
});

describe("estimateRemainingMs", () => {
  it("is unknown without earlier builds", () => {
    expect(estimateRemainingMs({ historyMs: [], elapsedMs: 1_000, progress: 0.5 })).toBeNull();
  });

  it("counts down from the median earlier duration", () => {
    expect(
      estimateRemainingMs({
        historyMs: [60_000, 100_000, 80_000],
        elapsedMs: 30_000,
        progress: 0.2,
      }),
    ).toBe(50_000);
  });

  it("extrapolates from the build's own rate once it is slower than usual", () => {
    expect(estimateRemainingMs({ historyMs: [10_000], elapsedMs: 20_000, progress: 0.8 })).toBe(
      5_000,
    );
  });
});

describe("withImageCompression", () => {
  const plan = {
    steps: [
      {
        stage: "image",
        network: "none" as const,
        capabilities: [],
        cache: false,
        env: {},
        script: "true",
      },
    ],
    files: [],
    image: { path: "disk.img", name: "bbos.img", contentType: "application/octet-stream" },
    manifest: null,
    packageSet: null,
  };
  const stages = [{ id: "image", title: "Image", weight: 9 }];

  it("adds an offline step and a stage that compress the raw image, xz by default", () => {
    const compressed = withImageCompression(plan, stages);
    expect(compressed.plan.image).toEqual({
      path: "disk.img.xz",
      name: "bbos.img.xz",
      contentType: "application/x-xz",
    });
    const step = compressed.plan.steps.at(-1);
    expect(step).toMatchObject({
      stage: "compress",
      network: "none",
      env: { IMAGE: "out/disk.img", COMPRESSED: "out/disk.img.xz" },
    });
    expect(step?.script).toContain('xz -q -T0 -6 -c -- "$IMAGE"');
    expect(compressed.stages).toEqual([
      ...stages,
      { id: "compress", title: "Compressing the image (xz)", weight: 1 },
    ]);
    expect(overallProgress(compressed.stages, "image", 1)).toBeCloseTo(0.9);
  });

  it("names zstd images .zst and leaves uncompressed plans alone", () => {
    expect(withImageCompression(plan, stages, "zstd").plan.image.name).toBe("bbos.img.zst");
    expect(withImageCompression(plan, stages, "none")).toEqual({ plan, stages });
  });
});

describe("imageCompressionOf", () => {
  it("reads image.compression, xz when it is unset or unknown", () => {
    expect(imageCompressionOf({ image: { compression: "zstd" } })).toBe("zstd");
    expect(imageCompressionOf({ image: { compression: "none" } })).toBe("none");
    expect(imageCompressionOf({ image: {} })).toBe("xz");
    expect(imageCompressionOf({})).toBe("xz");
    expect(imageCompressionOf({ image: ["zstd"] })).toBe("xz");
  });
});
