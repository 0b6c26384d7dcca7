import { boardConfigSchemas, latestBoardConfigSchemaId } from "@bbos/schemas";
import { describe, expect, it } from "vitest";

import { toSchemaIssues } from "./ajv-issues.ts";
import { createConfigAjv } from "../config-ajv.ts";

/** The messages of validating `{ code: value }` against an object whose `code` is `field`. */
function messagesFor(field: Record<string, unknown>, value: unknown): string[] {
  const check = createConfigAjv().compile({ type: "object", properties: { code: field } });
  check({ code: value });
  return toSchemaIssues(check.errors).map((issue) => issue.message);
}

describe("pattern and not messages", () => {
  it("say what is accepted in the schema's words, without the regular expression", () => {
    const field = { type: "string", pattern: "^[A-Z]{2}$", description: "Two capital letters." };
    expect(messagesFor(field, "abc")).toEqual(['code "abc" is not valid: Two capital letters']);
    const excluding = { type: "string", not: { pattern: "^X" }, description: field.description };
    expect(messagesFor(excluding, "XY")).toEqual(['code "XY" is not valid: Two capital letters']);
  });

  it("quote the regular expression when the schema has no usable description", () => {
    for (const description of [undefined, " ", "x".repeat(241)]) {
      expect(messagesFor({ type: "string", pattern: "^[A-Z]{2}$", description }, "abc")).toEqual([
        'code "abc" must match the pattern ^[A-Z]{2}$',
      ]);
      expect(messagesFor({ type: "string", not: { pattern: "^X" }, description }, "XY")).toEqual([
        'code "XY" must not match the pattern ^X',
      ]);
    }
  });

  it("name what was expected by the schema's title when it has no usable description", () => {
    const field = { type: "string", pattern: "^[A-Z]{2}$", title: "Country code" };
    expect(messagesFor(field, "abc")).toEqual(['code "abc" is not a valid Country code']);
    const excluding = { type: "string", not: { pattern: "^X" }, title: "Code", description: " " };
    expect(messagesFor(excluding, "XY")).toEqual(['code "XY" is not a valid Code']);
  });

  it("quote a hostile value as a JSON string, so it cannot end the quotation or the line", () => {
    const field = { type: "string", pattern: "^[a-z]+$", description: "Lower-case letters." };
    expect(messagesFor(field, '"<b>x</b>\n')).toEqual([
      'code "\\"<b>x</b>\\n" is not valid: Lower-case letters',
    ]);
    // A value too long to read back is left out rather than cut.
    expect(messagesFor(field, "A".repeat(65))).toEqual(["code is not valid: Lower-case letters"]);
  });

  it("tell a value that fails its pattern and its format once, in the pattern's words", () => {
    const field = {
      type: "string",
      format: "ipv4",
      pattern: "^[0-9.]+$",
      description: "Four numbers separated by dots.",
    };
    expect(messagesFor(field, "a.b")).toEqual([
      'code "a.b" is not valid: Four numbers separated by dots',
    ]);
    expect(messagesFor(field, "1.2.3")).toEqual(['code "1.2.3" must be a valid IPv4 address']);
  });

  it("never quote a writeOnly value", () => {
    const field = { type: "string", pattern: "^\\$", description: "A hash.", writeOnly: true };
    expect(messagesFor(field, "hunter2")).toEqual(["code is not valid: A hash"]);
  });
});

/**
 * The subschemas of `node` that hold a `pattern` or a `not` over one, keyed by their JSON
 * Pointer. A `not`'s own subschema is left out: its failure is reported at the schema holding it.
 */
function patternSchemas(node: unknown, pointer = ""): [string, object][] {
  if (typeof node !== "object" || node === null) return [];
  const record = node as Record<string, unknown>;
  const not = record["not"] as Record<string, unknown> | undefined;
  const own: [string, object][] =
    typeof record["pattern"] === "string" || typeof not?.["pattern"] === "string"
      ? [[pointer, record]]
      : [];
  return own.concat(
    Object.entries(record)
      .filter(([key]) => key !== "not")
      .flatMap(([key, child]) => patternSchemas(child, `${pointer}/${key}`)),
  );
}

describe("the latest board-config schema", () => {
  it("describes in words every value one of its patterns rejects", () => {
    const ajv = createConfigAjv();
    const found = patternSchemas(boardConfigSchemas[latestBoardConfigSchemaId].schema);
    expect(found.length).toBeGreaterThan(20);
    for (const [pointer, schema] of found) {
      const check = ajv.compile(schema);
      // A line break is outside every pattern's alphabet, so each of them rejects it.
      expect(check("\n"), pointer).toBe(false);
      const messages = toSchemaIssues(check.errors)
        .filter((issue) => issue.code === "SCHEMA_PATTERN" || issue.code === "SCHEMA_NOT")
        .map((issue) => issue.message);
      expect(messages, pointer).toEqual([
        expect.stringMatching(/^the config "\\n" is not valid: \w/),
      ]);
    }
  });
});
