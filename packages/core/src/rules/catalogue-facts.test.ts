import { boardCatalogue } from "@bbos/schemas";
import { describe, expect, it } from "vitest";

import { configRules } from "../config-rules.ts";
import type { ConfigRuleInput } from "./config-rule.ts";

/** The rules' verdicts on the real catalogue's per-board, per-branch and per-release facts. */
function check(name: string, config: ConfigRuleInput) {
  const rule = configRules.find((candidate) => candidate.name === name);
  if (rule === undefined) throw new Error(`no rule ${name}`);
  return rule.check(config, boardCatalogue);
}

function armbianConfig(board: string, branch: string, overlays: string[], release = "trixie") {
  return {
    board,
    os: { release, branch, variant: "server" as const },
    kernel: { overlays },
    build: { recipe: "armbian" as const },
  };
}

describe("overlays-known with per-board overlay lists", () => {
  it.each([
    // rk3566-sata2 was in the rockchip64 family list, but odroidm1 loads rockchip-rk3568-hk-*.
    ["odroidm1", "current", "rk3566-sata2"],
    // g12-pwm-gpiox-5-fan was in the meson-g12a family list; radxa-zero loads meson-g12a-*.
    ["radxa-zero", "current", "g12-pwm-gpiox-5-fan"],
  ])("rejects a family-listed overlay %s cannot load (%s, %s)", (board, branch, overlay) => {
    const [issue] = check("overlays-known", armbianConfig(board, branch, [overlay]));
    expect(issue).toMatchObject({
      path: "/kernel/overlays/0",
      code: "OVERLAY_UNKNOWN",
      severity: "error",
    });
    const name = boardCatalogue.boards.find((entry) => entry.id === board)?.name ?? board;
    expect(issue?.message).toContain(`${name} with the "${branch}" kernel`);
    expect(issue?.message).toMatch(/Valid names include \S+/);
  });

  it("accepts the board's own overlays", () => {
    expect(
      check("overlays-known", armbianConfig("radxa-zero", "edge", ["radxa-zero-spi-spidev"])),
    ).toEqual([]);
    expect(check("overlays-known", armbianConfig("odroidm1", "edge", ["i2c0"]))).toEqual([]);
  });

  it("tells the user to drop the prefix when the name includes it", () => {
    const [issue] = check(
      "overlays-known",
      armbianConfig("odroidm1", "current", ["rockchip-rk3568-hk-i2c0"]),
    );
    expect(issue?.message).toContain('Write it without the overlay prefix: "i2c0"');
  });

  it("knows that a branch's kernel does not build every overlay another branch builds", () => {
    const board = boardCatalogue.boards.find((entry) => entry.id === "rockpro64");
    const current = board?.overlaysByBranch["current"] ?? [];
    const edge = board?.overlaysByBranch["edge"] ?? [];
    const missing = current.find((name) => !edge.includes(name));
    expect(missing).toBeDefined();
    expect(check("overlays-known", armbianConfig("rockpro64", "current", [missing ?? ""]))).toEqual(
      [],
    );
    expect(
      check("overlays-known", armbianConfig("rockpro64", "edge", [missing ?? ""]))[0],
    ).toMatchObject({
      severity: "error",
    });
  });

  it("only warns on a branch whose overlays are unknown (vendor kernels)", () => {
    const [issue] = check("overlays-known", armbianConfig("rock-5b", "vendor", ["made-up"]));
    expect(issue).toMatchObject({ code: "OVERLAY_UNKNOWN", severity: "warning" });
    expect(check("overlays-known", armbianConfig("rock-5b", "vendor", ["can0-m0"]))).toEqual([]);
  });
});

describe("per-branch boot scenario", () => {
  it("records rock-5b's edge hook switching to the mainline boot chain", () => {
    const board = boardCatalogue.boards.find((entry) => entry.id === "rock-5b");
    expect(board?.bootScenarios).toEqual({
      current: "spl-blobs",
      edge: "tpl-blob-atf-mainline",
      vendor: "spl-blobs",
    });
  });
});

describe("release-supported with release support levels", () => {
  it("warns that a csc release needs EXPERT=yes with the armbian recipe", () => {
    const issues = check("release-supported", armbianConfig("rock-5b", "current", [], "bookworm"));
    expect(issues).toEqual([
      expect.objectContaining({ path: "/os/release", code: "RELEASE_EXPERT", severity: "warning" }),
    ]);
    expect(issues[0]?.message).toContain("EXPERT=yes");
  });

  it("accepts a supported release without a warning, also the newly listed resolute", () => {
    expect(check("release-supported", armbianConfig("rock-5b", "current", [], "resolute"))).toEqual(
      [],
    );
  });

  it("rejects an end-of-support release and says so", () => {
    const [issue] = check("release-supported", armbianConfig("rock-5b", "current", [], "focal"));
    expect(issue).toMatchObject({ code: "RELEASE_UNSUPPORTED", severity: "error" });
    expect(issue?.message).toContain("ended support");
  });

  it("does not apply Armbian's levels to the debian recipe", () => {
    const config = {
      ...armbianConfig("rockpro64", "current", [], "bookworm"),
      build: { recipe: "debian" as const },
    };
    expect(check("release-supported", config)).toEqual([]);
  });
});

describe("recipe-supported with unbuildable Debian boot loaders", () => {
  it("explains why an Amlogic board has no debian recipe", () => {
    const config = {
      ...armbianConfig("odroidc2", "current", []),
      build: { recipe: "debian" as const },
    };
    const [issue] = check("recipe-supported", config);
    expect(issue).toMatchObject({ code: "RECIPE_UNSUPPORTED" });
    expect(issue?.message).toContain("u-boot-amlogic");
  });
});
