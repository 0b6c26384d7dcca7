import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { armbianRecipe } from "./armbian-recipe.ts";

/** fixtures/armbian-log-lines.json: lines in build order, each with where it came from. */
interface LogLines {
  lines: { line: string; source: string; kind: "recorded" | "source-derived" }[];
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "armbian-log-lines.json"), "utf8"),
) as LogLines;

const progressOf = (line: string) => {
  if (!armbianRecipe.progressOf) throw new Error("the armbian recipe reads no progress");
  return armbianRecipe.progressOf(line);
};

describe("armbianRecipe.progressOf", () => {
  it("moves through the stages in order, with fractions in [0, 1], over the recorded lines", () => {
    const stageIds = armbianRecipe.stages.map((stage) => stage.id);
    let last = { index: -1, fraction: 0 };
    const reached = new Set<string>();
    for (const { line, source } of fixture.lines) {
      expect(source).not.toBe("");
      const progress = progressOf(line);
      if (!progress) continue;
      const index = stageIds.indexOf(progress.stage);
      expect(index, line).toBeGreaterThanOrEqual(0);
      expect(progress.fraction, line).toBeGreaterThanOrEqual(0);
      expect(progress.fraction, line).toBeLessThanOrEqual(1);
      const later =
        index > last.index || (index === last.index && progress.fraction >= last.fraction);
      expect(
        later,
        `${line} goes back from ${stageIds[last.index] ?? "start"} ${last.fraction}`,
      ).toBe(true);
      last = { index, fraction: progress.fraction };
      reached.add(progress.stage);
    }
    expect([...reached]).toEqual(["host-prepare", "kernel", "rootfs", "image"]);
  });

  it("reads recorded lines of each build stage, not only lines written from the source", () => {
    const recorded = fixture.lines.filter((entry) => entry.kind === "recorded");
    const stages = new Set(recorded.map(({ line }) => progressOf(line)?.stage).filter(Boolean));
    expect([...stages]).toEqual(["kernel", "rootfs", "image"]);
    for (const { source } of recorded) expect(source).toMatch(/^https:\/\/github\.com\//);
  });

  it("reads the screen, container and log-file forms alike, with or without colours", () => {
    const expected = { stage: "rootfs", fraction: 0.8 };
    for (const line of [
      "[🌱] Calling image customization script [ customize-image.sh ]",
      "[🐳|🌱] Calling image customization script [ customize-image.sh ]",
      "\u001b[0m\u001b[1;30m[🐳|\u001b[0m🌱\u001b[0m]\u001b[0m \u001b[0mCalling image customization script [\u001b[1;32m customize-image.sh \u001b[0m]\u001b[0m",
      "--> (812) INFO: Calling image customization script [ customize-image.sh ]",
    ]) {
      expect(progressOf(line), JSON.stringify(line)).toEqual(expected);
    }
  });

  it("ignores tool output, whatever it says", () => {
    expect(progressOf("[🔨]   Calling image customization script")).toBeNull();
    expect(progressOf("[🐳|🔨]   Done building image [ x ]")).toBeNull();
    expect(progressOf("random compiler noise")).toBeNull();
  });
});
