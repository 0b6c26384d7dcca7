import { boardCatalogue } from "@bbos/schemas";
import { describe, expect, it } from "vitest";

import type { ConfigCatalogue, ConfigCatalogueBoard } from "../config-catalogue.ts";
import { configRules } from "../config-rules.ts";
import { overlaysFor } from "./overlays-for.ts";

const board = (
  overrides: Partial<ConfigCatalogueBoard> & { id: string },
): ConfigCatalogueBoard => ({
  name: overrides.id,
  family: "sbc",
  architecture: "arm64",
  branches: ["current", "edge", "vendor"],
  recipes: ["armbian"],
  ...overrides,
});

const catalogue: ConfigCatalogue = {
  releases: { debian: ["trixie"], armbian: ["trixie"] },
  families: {
    sbc: { architecture: "arm64", branches: ["current", "edge", "vendor"], overlays: ["uart1"] },
    bare: { architecture: "arm64", branches: ["current"], overlays: [] },
  },
  boards: [
    board({
      id: "per-branch",
      overlayPrefix: "sbc",
      overlaysByBranch: { current: ["uart1", "i2c3"], edge: ["uart1"], vendor: null },
    }),
    board({ id: "own-list", overlays: ["spi0", "pwm1"] }),
    board({ id: "family-list" }),
    board({ id: "bare", family: "bare", branches: ["current"] }),
  ],
};

function boardNamed(id: string): ConfigCatalogueBoard {
  const found = catalogue.boards.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no board ${id}`);
  return found;
}

describe("overlaysFor", () => {
  it("answers with the branch's own list where the board has per-branch lists", () => {
    const perBranch = boardNamed("per-branch");
    expect(overlaysFor(catalogue, perBranch, "current")).toEqual(["uart1", "i2c3"]);
    expect(overlaysFor(catalogue, perBranch, "edge")).toEqual(["uart1"]);
  });

  it("does not know a branch whose list is null or missing, even with the family's list", () => {
    const perBranch = boardNamed("per-branch");
    expect(overlaysFor(catalogue, perBranch, "vendor")).toBeNull();
    expect(overlaysFor(catalogue, perBranch, "legacy")).toBeNull();
  });

  it("uses the board's list, else the family's, on the mainline branches of a board without per-branch lists", () => {
    expect(overlaysFor(catalogue, boardNamed("own-list"), "current")).toEqual(["spi0", "pwm1"]);
    expect(overlaysFor(catalogue, boardNamed("family-list"), "edge")).toEqual(["uart1"]);
  });

  it("does not know a vendor kernel's overlays, nor any when the catalogue lists none", () => {
    expect(overlaysFor(catalogue, boardNamed("own-list"), "vendor")).toBeNull();
    expect(overlaysFor(catalogue, boardNamed("bare"), "current")).toBeNull();
  });

  it("agrees with overlays-known on the real catalogue: every offered name passes, others fail", () => {
    const rule = configRules.find((candidate) => candidate.name === "overlays-known");
    if (rule === undefined) throw new Error("no overlays-known rule");
    let checked = 0;
    for (const entry of boardCatalogue.boards) {
      for (const branch of entry.branches) {
        const names = overlaysFor(boardCatalogue, entry, branch);
        if (names === null || names.length === 0) continue;
        const config = (overlays: string[]) => ({
          board: entry.id,
          os: { release: "trixie", branch },
          kernel: { overlays },
          build: { recipe: "armbian" as const },
        });
        expect(rule.check(config([...names]), boardCatalogue), `${entry.id} ${branch}`).toEqual([]);
        const [issue] = rule.check(config(["no-such-overlay"]), boardCatalogue);
        expect(issue, `${entry.id} ${branch}`).toMatchObject({ severity: "error" });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
