import { boardCatalogue, boardConfigSchemas, type BoardConfigSchemaId } from "@bbos/schemas";
import { describe, expect, it } from "vitest";

import type { ConfigCatalogue, ConfigCatalogueBoard } from "./config-catalogue.ts";
import { defaultBoardConfig } from "./default-config.ts";
import { defaultConfigValidator } from "./default-registry.ts";
import { captureDomainError } from "../test/capture-domain-error.ts";

const validator = defaultConfigValidator();
const schemaIds = Object.keys(boardConfigSchemas) as BoardConfigSchemaId[];

function board(id: string): ConfigCatalogueBoard {
  const found = boardCatalogue.boards.find((entry) => entry.id === id);
  if (!found) throw new Error(`no catalogue board ${id}`);
  return found;
}

describe("defaultBoardConfig", () => {
  describe.each(schemaIds)("against %s", (schemaId) => {
    const schema = boardConfigSchemas[schemaId];

    it.each(boardCatalogue.boards.map((entry) => [entry.id, entry] as const))(
      "is valid out of the box for %s",
      (id, entry) => {
        const config = defaultBoardConfig(schema, entry);
        const result = validator.validate(schemaId, config);
        expect(result.issues.filter((issue) => issue.severity === "error")).toEqual([]);
        expect(result.valid).toBe(true);
        expect(config["board"]).toBe(id);
        expect(entry.recipes).toContain((config["build"] as { recipe: string }).recipe);
      },
    );
  });

  it("fills the schema's defaults", () => {
    const config = defaultBoardConfig(boardConfigSchemas["board-config/2"], board("qemu-arm64"));
    expect(config).toMatchObject({
      board: "qemu-arm64",
      os: { release: "trixie", branch: "current", variant: "server" },
      system: { hostname: "bbos", locale: "en_US.UTF-8", ssh: { enabled: true, port: 22 } },
      image: { rootfs: "ext4", size: { value: 2, unit: "GiB" }, compression: "xz" },
      build: { recipe: "debian" },
    });
  });

  it("picks the recipe the board offers when the schema's default is not one of them", () => {
    const config = defaultBoardConfig(boardConfigSchemas["board-config/2"], board("rock-5b"));
    expect(config["build"]).toMatchObject({ recipe: "armbian" });
  });

  it("picks a release the board's boot loader package ships with the debian recipe", () => {
    // The Amlogic boards (u-boot-amlogic is bookworm-only) lost the debian recipe: Debian's
    // package alone cannot boot them. A board whose boot loader Debian ships in bookworm only
    // stands in for them, so the schema's default release (trixie) does not fit.
    const bookwormOnly: ConfigCatalogueBoard = {
      ...board("rockpro64"),
      id: "bookworm-only",
      bootloader: {
        package: "u-boot-rockchip",
        target: "rockpro64-rk3399",
        releases: ["bookworm"],
      },
    };
    const catalogue: ConfigCatalogue = {
      ...boardCatalogue,
      boards: [...boardCatalogue.boards, bookwormOnly],
    };
    const config = defaultBoardConfig(
      boardConfigSchemas["board-config/2"],
      bookwormOnly,
      catalogue,
    );
    expect(config["build"]).toMatchObject({ recipe: "debian" });
    expect(config["os"]).toMatchObject({ release: "bookworm", branch: "current" });
  });

  it("derives the host name from the board id when the schema has no default for it", () => {
    const entry = boardConfigSchemas["board-config/2"];
    const schema = structuredClone(entry.schema) as {
      properties: { system: { properties: { hostname: Record<string, unknown> } } };
    };
    delete schema.properties.system.properties.hostname["default"];
    const config = defaultBoardConfig({ schema }, board("nanopi-r6s"));
    expect(config["system"]).toMatchObject({ hostname: "nanopi-r6s" });
  });

  it("returns a fresh object each time", () => {
    const schema = boardConfigSchemas["board-config/2"];
    const first = defaultBoardConfig(schema, board("rpi4b"));
    const second = defaultBoardConfig(schema, board("rpi4b"));
    expect(second).toEqual(first);
    expect(second["image"]).not.toBe(first["image"]);
  });

  it("refuses a board the catalogue offers no release for", () => {
    const catalogue: ConfigCatalogue = {
      ...boardCatalogue,
      releases: { debian: [], armbian: [] },
    };
    const error = captureDomainError(() =>
      defaultBoardConfig(boardConfigSchemas["board-config/2"], board("qemu-arm64"), catalogue),
    );
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toMatch(/no release of the debian recipe/);
  });
});
