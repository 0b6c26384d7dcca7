import { boardCatalogue } from "@bbos/schemas";
import { describe, expect, it } from "vitest";

import type { ConfigCatalogue, ConfigCatalogueBoard } from "../config-catalogue.ts";
import { configRules } from "../config-rules.ts";
import { releasesFor } from "./releases-for.ts";

const board = (
  overrides: Partial<ConfigCatalogueBoard> & { id: string },
): ConfigCatalogueBoard => ({
  name: overrides.id,
  family: "sbc",
  architecture: "arm64",
  branches: ["current"],
  recipes: ["debian", "armbian"],
  ...overrides,
});

/** Restrictions and support levels the real catalogue may not (yet) use. */
const catalogue: ConfigCatalogue = {
  releases: {
    debian: ["bookworm", "trixie"],
    armbian: ["bookworm", "trixie", "noble", "jammy", "oracular"],
  },
  releaseSupport: {
    armbian: {
      bookworm: { support: "csc", expert: true },
      trixie: { support: "supported", expert: false },
      noble: { support: "supported", expert: false },
      jammy: { support: "csc", expert: true },
      oracular: { support: "eos", expert: true },
    },
  },
  families: {
    sbc: { architecture: "arm64", branches: ["current"], overlays: [] },
    picky: {
      architecture: "arm64",
      branches: ["current"],
      overlays: [],
      releases: { armbian: ["jammy", "noble", "trixie"] },
    },
  },
  boards: [
    board({ id: "plain" }),
    board({ id: "restricted", family: "picky" }),
    board({
      id: "uboot-trixie",
      bootloader: { package: "u-boot-sbc", target: "sbc_one", releases: ["trixie"] },
    }),
    board({ id: "armbian-only", recipes: ["armbian"] }),
  ],
};

function boardNamed(id: string): ConfigCatalogueBoard {
  const found = catalogue.boards.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no board ${id}`);
  return found;
}

describe("releasesFor", () => {
  it("lists the recipe's releases in order, marking those that need Armbian's expert mode", () => {
    expect(releasesFor(catalogue, boardNamed("plain"), "armbian")).toEqual([
      { name: "bookworm", expert: true },
      { name: "trixie", expert: false },
      { name: "noble", expert: false },
      { name: "jammy", expert: true },
    ]);
    expect(releasesFor(catalogue, boardNamed("plain"), "debian")).toEqual([
      { name: "bookworm", expert: false },
      { name: "trixie", expert: false },
    ]);
  });

  it("leaves out a release upstream no longer supports, although the recipe lists it", () => {
    const names = releasesFor(catalogue, boardNamed("plain"), "armbian").map((r) => r.name);
    expect(catalogue.releases.armbian).toContain("oracular");
    expect(names).not.toContain("oracular");
  });

  it("narrows by the family's restriction, keeping the recipe's order", () => {
    expect(releasesFor(catalogue, boardNamed("restricted"), "armbian")).toEqual([
      { name: "trixie", expert: false },
      { name: "noble", expert: false },
      { name: "jammy", expert: true },
    ]);
    // The family restricts only the armbian recipe.
    expect(releasesFor(catalogue, boardNamed("restricted"), "debian")).toHaveLength(2);
  });

  it("narrows the debian recipe to the releases whose boot-loader package ships the board", () => {
    expect(releasesFor(catalogue, boardNamed("uboot-trixie"), "debian")).toEqual([
      { name: "trixie", expert: false },
    ]);
    expect(releasesFor(catalogue, boardNamed("uboot-trixie"), "armbian")).toHaveLength(4);
  });

  it("offers nothing for a recipe the board cannot use", () => {
    expect(releasesFor(catalogue, boardNamed("armbian-only"), "debian")).toEqual([]);
  });

  it("agrees with release-supported on every board, recipe and release of the real catalogue", () => {
    const rule = configRules.find((candidate) => candidate.name === "release-supported");
    if (rule === undefined) throw new Error("no release-supported rule");
    const known = new Set([
      ...Object.values(boardCatalogue.releases).flat(),
      ...Object.values(boardCatalogue.releaseSupport ?? {}).flatMap((levels) =>
        Object.keys(levels),
      ),
    ]);
    for (const entry of boardCatalogue.boards) {
      for (const recipe of entry.recipes) {
        const offered = new Map(
          releasesFor(boardCatalogue, entry, recipe).map((r) => [r.name, r.expert]),
        );
        expect(offered.size, `${entry.id} ${recipe}`).toBeGreaterThan(0);
        for (const release of known) {
          const issues = rule.check(
            { board: entry.id, os: { release }, build: { recipe } },
            boardCatalogue,
          );
          const where = `${entry.id} ${recipe} ${release}`;
          expect(
            issues.some((issue) => issue.severity === "error"),
            where,
          ).toBe(!offered.has(release));
          expect(
            issues.some((issue) => issue.code === "RELEASE_EXPERT"),
            where,
          ).toBe(offered.get(release) === true);
        }
      }
    }
  });
});
