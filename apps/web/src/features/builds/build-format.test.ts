import { describe, expect, it } from "vitest";

import { describeTiming, formatBytes, formatDuration, formatEta } from "./build-format";
import { buildFixture, recipesData } from "./build-fixtures";
import { findRecipe, stageStates, stageTitle } from "./recipe-stages";

describe("build formatting", () => {
  it("rounds time left to minutes", () => {
    expect(formatEta(20)).toBe("less than a minute left");
    expect(formatEta(170)).toBe("about 3 min left");
    expect(formatEta(3_600)).toBe("about 1 h left");
    expect(formatEta(3_900)).toBe("about 1 h 5 min left");
  });

  it("gives durations and sizes in units people read", () => {
    expect(formatDuration("2025-01-01T00:00:00Z", "2025-01-01T00:00:42Z")).toBe("42 s");
    expect(formatDuration("2025-01-01T00:00:00Z", "2025-01-01T00:04:12Z")).toBe("4 min 12 s");
    expect(formatDuration("2025-01-01T00:00:00Z", "2025-01-01T01:05:00Z")).toBe("1 h 5 min");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1_536)).toBe("1.5 KB");
    expect(formatBytes(1.5 * 1024 ** 3)).toBe("1.5 GB");
  });

  it("describes a build's time by status", () => {
    const base = { queuePosition: null, etaSeconds: null, startedAt: null, finishedAt: null };
    expect(describeTiming({ ...base, status: "QUEUED", queuePosition: 1 })).toBe(
      "Queue position 1",
    );
    expect(describeTiming({ ...base, status: "RUNNING" })).toBe("No estimate yet");
    expect(describeTiming({ ...base, status: "CANCELED" })).toBe("Never started");
  });
});

describe("build stages", () => {
  const { stages } = buildFixture();

  it("finds the recipe's other version, and titles a stage by its id when it is not listed", () => {
    expect(
      findRecipe(recipesData.recipes, { recipe: "debian-image", recipeVersion: "9" })?.title,
    ).toBe("Debian image");
    expect(stageTitle(stages, "rootfs")).toBe("Assemble root filesystem");
    expect(stageTitle(stages, "compress")).toBe("Compressing the image (xz)");
    expect(stageTitle([], "rootfs")).toBe("rootfs");
    expect(stageTitle(stages, null)).toBeNull();
  });

  it("marks stages done, current, failed and pending", () => {
    const states = (status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED", stage: string | null) =>
      stageStates({ status, stage, stages }).map((item) => item.state);
    expect(states("QUEUED", null)).toEqual(["pending", "pending", "pending", "pending", "pending"]);
    expect(states("RUNNING", "kernel")).toEqual([
      "done",
      "current",
      "pending",
      "pending",
      "pending",
    ]);
    expect(states("FAILED", "rootfs")).toEqual(["done", "done", "failed", "pending", "pending"]);
    expect(states("SUCCEEDED", "compress")).toEqual(["done", "done", "done", "done", "done"]);
  });
});
