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

  it("never quote a writeOnly value", () => {
    const field = { type: "string", pattern: "^\\$", description: "A hash.", writeOnly: true };
    expect(messagesFor(field, "hunter2")).toEqual(["code is not valid: A hash"]);
  });
});
