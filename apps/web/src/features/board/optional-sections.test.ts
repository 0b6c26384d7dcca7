import type { RJSFSchema } from "@rjsf/utils";
import { describe, expect, it } from "vitest";

import { boardConfigSchemas } from "@bbos/schemas";

import { pruneEmptyOptionalSections } from "./optional-sections";

const schema = boardConfigSchemas["board-config/3"].schema as RJSFSchema;

describe("pruneEmptyOptionalSections", () => {
  it("drops an emptied Wi-Fi section, keeps one with a value and sections with defaults", () => {
    const emptied = { board: "rock-5b", network: { ethernet: { mode: "dhcp" }, wifi: {} } };
    expect(pruneEmptyOptionalSections(emptied, schema)).toEqual({
      board: "rock-5b",
      network: { ethernet: { mode: "dhcp" } },
    });

    const filled = { network: { wifi: { ssid: "lab" } } };
    expect(pruneEmptyOptionalSections(filled, schema)).toEqual(filled);

    // `kernel` has a default ({}), so an empty one is the schema's own and stays.
    expect(pruneEmptyOptionalSections({ kernel: {} }, schema)).toEqual({ kernel: {} });
  });
});
