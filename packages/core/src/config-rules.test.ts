import { boardCatalogue } from "@bbos/schemas";
import { describe, expect, it } from "vitest";

import type { ConfigCatalogue } from "./config-catalogue.ts";
import { configRules, runConfigRules } from "./config-rules.ts";
import type { ConfigRule, ConfigRuleInput } from "./rules/config-rule.ts";
import type { ValidationIssue } from "./validation-result.ts";

/** A valid schema-1 config for a board that both recipes can build. */
function baseConfig(): ConfigRuleInput {
  return {
    board: "rockpro64",
    // trixie: Armbian's fully supported release (bookworm would add RELEASE_EXPERT).
    os: { release: "trixie", branch: "current", variant: "server" },
    kernel: { overlays: [] },
    packages: { install: ["htop"], remove: [] },
    system: {
      hostname: "lab",
      users: [{ name: "alice", sshKeys: ["ssh-ed25519 AAAAC3Nza alice@laptop"] }],
      ssh: { enabled: true, passwordAuthentication: false },
    },
    network: { ethernet: { mode: "dhcp" } },
    build: { recipe: "armbian" },
  };
}

/** Deep-merges `patch` into a fresh base config (arrays are replaced). */
function configWith(patch: Record<string, unknown>): ConfigRuleInput {
  return merge(baseConfig(), patch) as ConfigRuleInput;
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isPlain(target) || !isPlain(patch)) return patch;
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(out[key], value);
  return out;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function ruleNamed(name: string): ConfigRule {
  const rule = configRules.find((candidate) => candidate.name === name);
  if (rule === undefined) throw new Error(`no rule ${name}`);
  return rule;
}

function check(
  name: string,
  config: ConfigRuleInput,
  catalogue: ConfigCatalogue = boardCatalogue,
): ValidationIssue[] {
  return ruleNamed(name).check(config, catalogue);
}

/** A small catalogue for restrictions the real catalogue does not (yet) use. */
const fixtureCatalogue: ConfigCatalogue = {
  releases: { debian: ["bookworm", "trixie"], armbian: ["bookworm", "trixie", "noble"] },
  families: {
    sbc: {
      architecture: "arm64",
      branches: ["current", "edge", "vendor"],
      overlays: ["uart1", "i2c3"],
      releases: { armbian: ["bookworm", "noble"] },
    },
    bare: { architecture: "arm64", branches: ["current"], overlays: [] },
    hard: { architecture: "armhf", branches: ["current"], overlays: [] },
  },
  boards: [
    {
      id: "sbc-one",
      name: "SBC One",
      family: "sbc",
      architecture: "arm64",
      branches: ["current", "edge", "vendor"],
      recipes: ["debian", "armbian"],
      bootloader: { package: "u-boot-sbc", target: "sbc_one", releases: ["trixie"] },
    },
    {
      id: "sbc-two",
      name: "SBC Two",
      family: "sbc",
      architecture: "arm64",
      branches: ["current"],
      recipes: ["armbian"],
      overlays: ["spi0"],
    },
    {
      id: "bare-board",
      name: "Bare Board",
      family: "bare",
      architecture: "arm64",
      branches: ["current"],
      recipes: ["armbian"],
    },
    {
      id: "wrong-arch",
      name: "Wrong Arch",
      family: "hard",
      architecture: "arm64",
      branches: ["current"],
      recipes: ["armbian"],
    },
    {
      id: "orphan",
      name: "Orphan",
      family: "missing",
      architecture: "arm64",
      branches: ["current"],
      recipes: ["armbian"],
    },
  ],
};

describe("the base config", () => {
  it("passes every rule against the real catalogue", () => {
    expect(runConfigRules(baseConfig(), boardCatalogue)).toEqual([]);
  });

  it("registers every rule once, each with codes and inputs", () => {
    const names = configRules.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of configRules) {
      expect(rule.codes.length).toBeGreaterThan(0);
      expect(rule.reads.length).toBeGreaterThan(0);
    }
  });
});

describe("desktop-environment", () => {
  it("accepts the desktop variant with an environment", () => {
    expect(
      check("desktop-environment", configWith({ os: { variant: "desktop", desktop: "xfce" } })),
    ).toEqual([]);
  });

  it("requires an environment for the desktop variant", () => {
    expect(check("desktop-environment", configWith({ os: { variant: "desktop" } }))).toEqual([
      expect.objectContaining({
        path: "/os/desktop",
        code: "DESKTOP_NEEDS_ENVIRONMENT",
        severity: "error",
      }),
    ]);
  });

  it("warns about an environment without the desktop variant", () => {
    const [issue] = check(
      "desktop-environment",
      configWith({ os: { variant: "server", desktop: "gnome" } }),
    );
    expect(issue).toMatchObject({
      path: "/os/desktop",
      code: "DESKTOP_WITHOUT_VARIANT",
      severity: "warning",
    });
    expect(issue?.message).toContain('"gnome"');
  });
});

describe("board-known", () => {
  it("accepts a catalogue board", () => {
    expect(check("board-known", baseConfig())).toEqual([]);
  });

  it("rejects an unknown board and suggests the closest ids", () => {
    const [issue] = check("board-known", configWith({ board: "rock5b" }));
    expect(issue).toMatchObject({ path: "/board", code: "BOARD_UNKNOWN", severity: "error" });
    expect(issue?.message).toMatch(/^Unknown board "rock5b"\. Did you mean "rock-5b"/);
  });

  it("points to the catalogue when nothing is close", () => {
    const [issue] = check("board-known", configWith({ board: "zzzzzzzz" }));
    expect(issue?.message).toContain("board catalogue");
  });
});

describe("catalogue-consistency", () => {
  it("accepts every board of the real catalogue", () => {
    for (const board of boardCatalogue.boards) {
      expect(check("catalogue-consistency", configWith({ board: board.id })), board.id).toEqual([]);
    }
  });

  it("reports a board whose architecture differs from its family's", () => {
    expect(
      check("catalogue-consistency", configWith({ board: "wrong-arch" }), fixtureCatalogue),
    ).toEqual([
      expect.objectContaining({ path: "/board", code: "ARCH_MISMATCH", severity: "error" }),
    ]);
  });

  it("reports a board whose family is missing", () => {
    expect(
      check("catalogue-consistency", configWith({ board: "orphan" }), fixtureCatalogue),
    ).toEqual([expect.objectContaining({ code: "BOARD_FAMILY_UNKNOWN" })]);
  });
});

describe("recipe-supported", () => {
  it("accepts a recipe the board supports", () => {
    expect(check("recipe-supported", configWith({ build: { recipe: "debian" } }))).toEqual([]);
  });

  it("rejects a recipe the board lacks, including the implicit default", () => {
    const explicit = check(
      "recipe-supported",
      configWith({ board: "rock-5b", build: { recipe: "debian" } }),
    );
    expect(explicit).toEqual([
      expect.objectContaining({
        path: "/build/recipe",
        code: "RECIPE_UNSUPPORTED",
        severity: "error",
      }),
    ]);
    const implicit = check("recipe-supported", { ...baseConfig(), board: "rock-5b", build: {} });
    expect(implicit[0]?.message).toContain("the default when none is set");
    expect(implicit[0]?.message).toContain('"armbian"');
  });
});

describe("branch-supported", () => {
  it("accepts a branch the board offers", () => {
    expect(
      check("branch-supported", configWith({ board: "rock-5b", os: { branch: "vendor" } })),
    ).toEqual([]);
  });

  it("rejects a branch the board does not offer and lists the valid ones", () => {
    const [issue] = check("branch-supported", configWith({ os: { branch: "vendor" } }));
    expect(issue).toMatchObject({
      path: "/os/branch",
      code: "BRANCH_UNSUPPORTED",
      severity: "error",
    });
    expect(issue?.message).toContain('"current" or "edge"');
  });

  it("allows only current with the debian recipe", () => {
    const [issue] = check(
      "branch-supported",
      configWith({ os: { branch: "edge" }, build: { recipe: "debian" } }),
    );
    expect(issue).toMatchObject({ code: "BRANCH_UNSUPPORTED" });
    expect(issue?.message).toContain("debian recipe");
  });

  it("stays quiet when the recipe itself is unsupported", () => {
    expect(
      check(
        "branch-supported",
        configWith({ board: "rock-5b", os: { branch: "vendor" }, build: { recipe: "debian" } }),
      ),
    ).toEqual([]);
  });
});

describe("release-supported", () => {
  it("accepts a release the recipe builds", () => {
    expect(check("release-supported", configWith({ os: { release: "noble" } }))).toEqual([]);
  });

  it("rejects a release the recipe does not build", () => {
    const [issue] = check(
      "release-supported",
      configWith({ os: { release: "noble" }, build: { recipe: "debian" } }),
    );
    expect(issue).toMatchObject({
      path: "/os/release",
      code: "RELEASE_UNSUPPORTED",
      severity: "error",
    });
    expect(issue?.message).toContain('"bookworm" or "trixie"');
  });

  it("applies a family's release restriction", () => {
    expect(
      check(
        "release-supported",
        configWith({ board: "sbc-two", os: { release: "bookworm" } }),
        fixtureCatalogue,
      ),
    ).toEqual([]);
    const [issue] = check(
      "release-supported",
      configWith({ board: "sbc-two", os: { release: "trixie" } }),
      fixtureCatalogue,
    );
    expect(issue).toMatchObject({ code: "RELEASE_UNSUPPORTED" });
    expect(issue?.message).toContain('"bookworm" or "noble"');
  });

  it("applies the Debian boot loader's releases to the debian recipe", () => {
    const config = (release: string) =>
      configWith({ board: "sbc-one", os: { release }, build: { recipe: "debian" } });
    expect(check("release-supported", config("trixie"), fixtureCatalogue)).toEqual([]);
    const [issue] = check("release-supported", config("bookworm"), fixtureCatalogue);
    expect(issue?.message).toContain("u-boot-sbc");
  });
});

describe("overlays-known", () => {
  it("accepts overlays of the board's family", () => {
    expect(
      check(
        "overlays-known",
        configWith({ board: "rock-5b", kernel: { overlays: ["uart1-m1", "can0-m0"] } }),
      ),
    ).toEqual([]);
  });

  it("rejects an unknown overlay on a mainline branch, with its index in the path", () => {
    const issues = check(
      "overlays-known",
      configWith({ board: "rock-5b", kernel: { overlays: ["can0-m0", "uart99"] } }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        path: "/kernel/overlays/1",
        code: "OVERLAY_UNKNOWN",
        severity: "error",
      }),
    ]);
    expect(issues[0]?.message).toContain('Rock 5B with the "current" kernel');
    expect(issues[0]?.message).toContain("Valid names include uart1-m1");
  });

  it("uses the board's own overlay list when it has one", () => {
    const config = (overlay: string) =>
      configWith({ board: "sbc-two", kernel: { overlays: [overlay] } });
    expect(check("overlays-known", config("spi0"), fixtureCatalogue)).toEqual([]);
    expect(check("overlays-known", config("uart1"), fixtureCatalogue)[0]).toMatchObject({
      severity: "error",
    });
  });

  it("only warns when the catalogue lists no overlays or the kernel is a vendor kernel", () => {
    const [unlisted] = check(
      "overlays-known",
      configWith({ board: "bare-board", kernel: { overlays: ["x"] } }),
      fixtureCatalogue,
    );
    expect(unlisted).toMatchObject({ code: "OVERLAY_UNKNOWN", severity: "warning" });
    const [vendor] = check(
      "overlays-known",
      configWith({ board: "rock-5b", os: { branch: "vendor" }, kernel: { overlays: ["x"] } }),
    );
    expect(vendor).toMatchObject({ code: "OVERLAY_UNKNOWN", severity: "warning" });
  });
});

describe("package-conflict", () => {
  it("accepts disjoint install and remove lists", () => {
    expect(
      check("package-conflict", configWith({ packages: { install: ["vim"], remove: ["nano"] } })),
    ).toEqual([]);
  });

  it("rejects a package that is installed and removed, pointing at the removal", () => {
    expect(
      check(
        "package-conflict",
        configWith({ packages: { install: ["vim", "git"], remove: ["nano", "git"] } }),
      ),
    ).toEqual([
      expect.objectContaining({
        path: "/packages/remove/1",
        code: "PACKAGE_CONFLICT",
        severity: "error",
      }),
    ]);
  });
});

describe("users-unique", () => {
  it("accepts distinct user names", () => {
    expect(
      check("users-unique", configWith({ system: { users: [{ name: "a" }, { name: "b" }] } })),
    ).toEqual([]);
  });

  it("points at the second and later occurrences of a name", () => {
    const issues = check(
      "users-unique",
      configWith({
        system: { users: [{ name: "a" }, { name: "b" }, { name: "a" }, { name: "a" }] },
      }),
    );
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ["/system/users/2/name", "USER_DUPLICATE"],
      ["/system/users/3/name", "USER_DUPLICATE"],
    ]);
    expect(issues[0]?.message).toContain("users[0]");
  });
});

describe("ssh-login", () => {
  it("accepts a user with an SSH key, or a disabled server", () => {
    expect(check("ssh-login", baseConfig())).toEqual([]);
    expect(
      check("ssh-login", configWith({ system: { users: [], ssh: { enabled: false } } })),
    ).toEqual([]);
  });

  it("accepts password login when a user has a password hash", () => {
    const config = configWith({
      system: {
        users: [{ name: "a", passwordHash: "$6$salt$hash" }],
        ssh: { passwordAuthentication: true },
      },
    });
    expect(check("ssh-login", config)).toEqual([]);
  });

  it("warns when nobody can log in (the server is enabled by default)", () => {
    expect(check("ssh-login", { ...baseConfig(), system: { hostname: "lab" } })).toEqual([
      expect.objectContaining({ path: "/system/ssh", code: "SSH_NO_LOGIN", severity: "warning" }),
    ]);
    const passwordsOnly = configWith({
      system: { users: [{ name: "a" }], ssh: { passwordAuthentication: true } },
    });
    expect(check("ssh-login", passwordsOnly)[0]?.message).toContain("password hash");
  });
});

describe("network-static", () => {
  const ethernet = (settings: Record<string, unknown>) =>
    ({ ...baseConfig(), network: { ethernet: settings } }) as ConfigRuleInput;

  it("accepts DHCP and a complete static setup", () => {
    expect(check("network-static", ethernet({ mode: "dhcp" }))).toEqual([]);
    expect(
      check(
        "network-static",
        ethernet({ mode: "static", address: "10.0.0.5/8", gateway: "10.1.2.3" }),
      ),
    ).toEqual([]);
  });

  it("requires address and gateway for static addressing", () => {
    expect(
      check("network-static", ethernet({ mode: "static" })).map((issue) => [
        issue.path,
        issue.code,
      ]),
    ).toEqual([
      ["/network/ethernet/address", "NETWORK_STATIC_INCOMPLETE"],
      ["/network/ethernet/gateway", "NETWORK_STATIC_INCOMPLETE"],
    ]);
  });

  it("does not require a gateway when Wi-Fi can provide the default route", () => {
    const config = {
      ...baseConfig(),
      network: { ethernet: { mode: "static", address: "192.168.1.5/24" }, wifi: { ssid: "lab" } },
    } as ConfigRuleInput;
    expect(check("network-static", config)).toEqual([]);
  });

  it("warns when the gateway lies outside the address's subnet", () => {
    const [issue] = check(
      "network-static",
      ethernet({ mode: "static", address: "192.168.1.50/24", gateway: "192.168.2.1" }),
    );
    expect(issue).toMatchObject({
      path: "/network/ethernet/gateway",
      code: "NETWORK_GATEWAY_OUTSIDE_SUBNET",
      severity: "warning",
    });
    expect(issue?.message).toContain("192.168.1.0/24");
  });
});

describe("runConfigRules", () => {
  it("skips rules whose inputs have schema errors, but not for missing values", () => {
    const config = configWith({ board: "not-a-board" });
    expect(runConfigRules(config, boardCatalogue).map((issue) => issue.code)).toEqual([
      "BOARD_UNKNOWN",
    ]);
    const patternError: ValidationIssue = {
      path: "/board",
      code: "SCHEMA_PATTERN",
      message: "",
      severity: "error",
    };
    expect(runConfigRules(config, boardCatalogue, [patternError])).toEqual([]);
    const missing: ValidationIssue = {
      path: "/board",
      code: "SCHEMA_REQUIRED",
      message: "",
      severity: "error",
    };
    expect(
      runConfigRules({ ...baseConfig(), board: undefined }, boardCatalogue, [missing]),
    ).toEqual([]);
  });

  it("runs nothing on a config that is not an object", () => {
    expect(runConfigRules(null, boardCatalogue)).toEqual([]);
    expect(runConfigRules(["board"], boardCatalogue)).toEqual([]);
  });
});
