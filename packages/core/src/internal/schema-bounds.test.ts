import { describe, expect, it } from "vitest";

import { createConfigAjv } from "../config-ajv.ts";
import { checkSchemaBounds, compileSchemaBounds } from "./schema-bounds.ts";

const list = { type: "array", maxItems: 2, items: { type: "string" } };

/** Ajv's own errors for `config`, to compare the pre-check with. */
function ajvErrors(schema: object, config: unknown) {
  const check = createConfigAjv().compile(schema);
  check(config);
  return check.errors ?? [];
}

describe("checkSchemaBounds", () => {
  const schema = {
    type: "object",
    required: ["list"],
    properties: { list, name: { type: "string", maxLength: 3 } },
  };
  const bounds = compileSchemaBounds(schema);

  it("reports a property over its maxItems as Ajv does and leaves it out of a copy", () => {
    const config = { list: ["a", "b", "c"], name: "ok" };
    const checked = checkSchemaBounds(config, bounds);

    const ajv = ajvErrors(schema, config).find((error) => error.keyword === "maxItems");
    expect(checked.errors).toEqual([
      {
        keyword: ajv?.keyword,
        instancePath: ajv?.instancePath,
        schemaPath: ajv?.schemaPath,
        params: ajv?.params,
        parentSchema: ajv?.parentSchema,
      },
    ]);
    expect(checked.config).toEqual({ name: "ok" });
    expect([...checked.pruned]).toEqual(["/list"]);
    expect(config).toEqual({ list: ["a", "b", "c"], name: "ok" });
  });

  it("returns the config itself when nothing is over a limit", () => {
    const config = { list: ["a", "b"], name: "abc" };
    expect(checkSchemaBounds(config, bounds)).toEqual({
      config,
      errors: [],
      pruned: new Set(),
    });
    expect(checkSchemaBounds(config, bounds).config).toBe(config);
  });

  it("counts maxLength in code points, as Ajv does", () => {
    for (const name of ["😀😀😀", "😀😀😀😀"]) {
      const ajv = ajvErrors(schema, { list: [], name });
      const checked = checkSchemaBounds({ list: [], name }, bounds);
      expect(checked.errors.map((error) => error.keyword)).toEqual(
        ajv.map((error) => error.keyword),
      );
    }
  });

  it("walks into array entries but never leaves an entry out", () => {
    const entries = { type: "array", items: { type: "object", properties: { list } } };
    const config = [{ list: ["a"] }, { list: ["a", "b", "c"] }, "not an object"];
    const checked = checkSchemaBounds(config, compileSchemaBounds(entries));
    expect(checked.config).toEqual([{ list: ["a"] }, {}, "not an object"]);
    expect((checked.config as unknown[])[0]).toBe(config[0]);
    expect([...checked.pruned]).toEqual(["/1/list"]);
  });

  it("follows a local $ref to the limit", () => {
    const referenced = {
      type: "object",
      properties: { list: { $ref: "#/$defs/list" } },
      $defs: { list },
    };
    const checked = checkSchemaBounds({ list: [1, 2, 3] }, compileSchemaBounds(referenced));
    expect(checked.errors).toMatchObject([
      { keyword: "maxItems", instancePath: "/list", schemaPath: "#/$defs/list/maxItems" },
    ]);
  });
});

describe("compileSchemaBounds", () => {
  const over = { list: ["a", "b", "c"] };

  it.each([
    ["an if reads the property", { if: { properties: { list: { maxItems: 0 } } } }],
    ["an if requires the property", { if: { required: ["list"] }, then: { required: ["x"] } }],
    ["a then reads inside a property", { then: { properties: { list: { items: false } } } }],
    ["the object is compared whole", { enum: [{ list: [] }] }],
    ["an applicator may read any value", { anyOf: [{ required: ["list"] }, true] }],
  ])("leaves nothing out when %s", (_case, keywords) => {
    const schema = { type: "object", properties: { list }, ...keywords };
    expect(checkSchemaBounds(over, compileSchemaBounds(schema)).errors).toEqual([]);
  });

  it("leaves nothing out below a list whose entries are compared for uniqueness", () => {
    const schema = {
      type: "array",
      uniqueItems: true,
      items: { type: "object", properties: { list } },
    };
    expect(checkSchemaBounds([over], compileSchemaBounds(schema)).errors).toEqual([]);
  });

  it("still leaves out a property that an if does not read", () => {
    const schema = {
      type: "object",
      properties: { mode: { type: "string" }, list },
      if: { properties: { mode: { const: "static" } }, required: ["mode"] },
      then: { properties: { list: { minItems: 1 } }, required: ["list"] },
    };
    const checked = checkSchemaBounds({ mode: "static", ...over }, compileSchemaBounds(schema));
    expect([...checked.pruned]).toEqual(["/list"]);
  });
});
