import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";

import catalogue from "./board-catalogue.json" with { type: "json" };
import catalogueSchema from "./board-catalogue.schema.json" with { type: "json" };

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
