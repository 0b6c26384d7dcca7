import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";

import factsJson from "./armbian-facts.json" with { type: "json" };
import catalogueJson from "./board-catalogue.json" with { type: "json" };
import catalogueSchema from "./board-catalogue.schema.json" with { type: "json" };
import type { BoardCatalogue } from "./generated/board-catalogue.ts";

import type { FactsFile } from "./scripts/armbian-facts.ts";

const catalogue = catalogueJson as unknown as BoardCatalogue;
const facts = factsJson as FactsFile;

/** The catalogue as loose JSON, so that tests can break it in ways its type forbids. */
interface EditableCatalogue {
  releases: { debian: string[] };
  boards: Record<string, unknown>[];
  [key: string]: unknown;
}

// strict: a schema keyword Ajv does not know fails compilation instead of being ignored.
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(catalogueSchema);

function edited(edit: (copy: EditableCatalogue) => void): EditableCatalogue {
  const copy = structuredClone(catalogue) as unknown as EditableCatalogue;
  edit(copy);
  return copy;
}

describe("board-catalogue.json", () => {
  it("is valid against board-catalogue.schema.json", () => {
    const valid = validate(catalogue);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  const firstWithBootloader = catalogue.boards.findIndex((board) => board.bootloader !== null);

  it.each([
    [
      "a board has an unknown architecture",
      (copy: EditableCatalogue) => Object.assign(copy.boards[0] ?? {}, { architecture: "riscv64" }),
      "/boards/0/architecture",
      "enum",
    ],
    [
      "a board lacks its family",
      (copy: EditableCatalogue) => delete copy.boards[1]?.["family"],
      "/boards/1",
      "required",
    ],
    [
      "a bootloader package is not a u-boot-* package",
      (copy: EditableCatalogue) =>
        Object.assign(copy.boards[firstWithBootloader] ?? {}, {
          bootloader: { package: "grub-efi", target: "x" },
        }),
      `/boards/${firstWithBootloader}/bootloader/package`,
      "pattern",
    ],
    [
      "a release code name is capitalised",
      (copy: EditableCatalogue) => copy.releases.debian.splice(0, 1, "Bookworm"),
      "/releases/debian/0",
      "pattern",
    ],
    [
      "a board is listed twice",
      (copy: EditableCatalogue) => copy.boards.push(structuredClone(copy.boards[0] ?? {})),
      "/boards",
      "uniqueItems",
    ],
    [
      "the file has a key the schema does not define",
      (copy: EditableCatalogue) => Object.assign(copy, { board: [] }),
      "",
      "additionalProperties",
    ],
  ])("fails the schema when %s", (_name, edit, instancePath, keyword) => {
    expect(validate(edited(edit))).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath, keyword }));
  });
});

/** What armbian-facts.json records, looked up the way the catalogue generator does. */
function fact(subject: string, name: string, branch?: string): unknown {
  const find = (key: string) =>
    facts.facts.find((entry) => entry.subject === subject && entry.fact === key);
  const found = (branch === undefined ? undefined : find(`${name}@${branch}`)) ?? find(name);
  if (found === undefined) throw new Error(`armbian-facts.json has no ${name} for ${subject}`);
  return found.value;
}

describe("board-catalogue.json against armbian-facts.json", () => {
  const armbianBoards = catalogue.boards.filter((board) => board.supportTier !== "virtual");

  it("names the facts file's revisions as its sources", () => {
    expect(facts.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(catalogue.sources[0]?.ref).toBe(facts.revision);
    for (const pkg of facts.debian) {
      expect(JSON.stringify(catalogue.sources)).toContain(`${pkg.package} ${pkg.version}`);
    }
    expect(facts.facts.filter((entry) => entry.fact === "unparsed")).toEqual([]);
  });

  it.each(armbianBoards.map((board) => [board.id, board] as const))(
    "has the facts of %s",
    (id, board) => {
      const subject = `board:${id}`;
      expect(board.name).toBe(fact(subject, "BOARD_NAME"));
      expect(board.vendor).toBe(fact(subject, "BOARD_VENDOR"));
      expect(board.family).toBe(fact(subject, "BOARDFAMILY"));
      expect(board.branches).toEqual(fact(subject, "KERNEL_TARGET"));
      expect(board.architecture).toBe(fact(`family:${board.family}`, "ARCH"));
      expect(board.supportTier).toBe(
        { conf: "standard", csc: "community" }[fact(subject, "support") as string],
      );
      expect(board.partitionTable).toBe(fact(subject, "IMAGE_PARTITION_TABLE") ?? "msdos");
      const dtb = fact(subject, "BOOT_FDT_FILE", board.branches[0]);
      if (dtb !== null) expect(board.dtb).toBe(dtb);
      for (const branch of board.branches) {
        expect(board.overlayPrefix).toBe(fact(subject, "OVERLAY_PREFIX", branch));
        expect(board.bootScenarios[branch], branch).toBe(fact(subject, "BOOT_SCENARIO", branch));
        expect(board.overlaysByBranch[branch], branch).toEqual(fact(subject, "overlays", branch));
      }
      expect(Object.keys(board.overlaysByBranch).sort()).toEqual([...board.branches].sort());
    },
  );

  it("gives a board a Debian boot loader exactly in the releases whose package ships it", () => {
    for (const board of catalogue.boards) {
      const bootloader = board.bootloader;
      if (bootloader === null) continue;
      // A release without the package (trixie has no u-boot-amlogic) has no facts for it.
      const shipped = catalogue.releases.debian.filter((release) => {
        const targets = facts.facts.find(
          (f) => f.subject === `uboot:${bootloader.package}:${release}` && f.fact === "targets",
        )?.value as string[] | undefined;
        return targets?.includes(bootloader.target) ?? false;
      });
      expect(bootloader.releases ?? catalogue.releases.debian, board.id).toEqual(shipped);
      expect(board.recipes.includes("debian"), board.id).toBe(bootloader.buildable);
    }
  });

  it("finds every layout file in each release's target directory", () => {
    for (const board of catalogue.boards) {
      const bootloader = board.bootloader;
      const layout = catalogue.families[board.family]?.bootloaderLayout;
      if (bootloader === null || layout === undefined || layout === null) continue;
      for (const release of bootloader.releases ?? catalogue.releases.debian) {
        const files = fact(
          `uboot:${bootloader.package}:${release}`,
          `files@${bootloader.target}`,
        ) as string[];
        for (const write of layout.writes)
          expect(files, `${board.id} ${release}`).toContain(write.file);
      }
      expect(layout.partitionTables, board.id).toContain(board.partitionTable);
    }
  });

  it("offers every supported Armbian release and none at end of support", () => {
    const level = (release: string) => fact(`release:${release}`, "support");
    const supported = facts.facts
      .filter((entry) => entry.fact === "support" && entry.subject.startsWith("release:"))
      .filter((entry) => entry.value === "supported")
      .map((entry) => entry.subject.slice("release:".length));
    expect(catalogue.releases.armbian).toEqual(expect.arrayContaining(supported));
    for (const release of catalogue.releases.armbian) expect(level(release)).not.toBe("eos");
    for (const [release, support] of Object.entries(catalogue.releaseSupport.armbian)) {
      expect(support.support).toBe(level(release));
      expect(support.expert).toBe(fact(`release:${release}`, "expert"));
    }
  });

  it("offers only Debian releases whose u-boot packages were read", () => {
    expect(catalogue.releases.debian).toEqual([...new Set(facts.debian.map((p) => p.release))]);
  });
});
