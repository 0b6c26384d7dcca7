import { boardConfigSchemas } from "@bbos/schemas";
import { describe, expect, it } from "vitest";

import { secretValueIssues } from "./secret-value-check.ts";

const { schema } = boardConfigSchemas["board-config/3"];

describe("secretValueIssues", () => {
  it("accepts a value the field's secretValue schema allows", () => {
    expect(secretValueIssues(schema, ["network", "wifi", "psk"], "correct horse")).toEqual([]);
  });

  it("names the field, points at it and never quotes the value", () => {
    const issues = secretValueIssues(
      schema,
      ["system", "users", "2", "passwordHash"],
      "hunter2-plain",
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: "/system/users/2/passwordHash", severity: "error" }),
    ]);
    expect(issues?.[0]?.message).toBe(
      "passwordHash is not valid: A crypt(3) hash, never the password itself: $y$ (yescrypt)," +
        " $6$ (SHA-512), $5$ (SHA-256) or $2b$ (bcrypt), then the hash, without spaces or colons",
    );
    expect(JSON.stringify(issues)).not.toContain("hunter2-plain");
    expect(secretValueIssues(schema, ["network", "wifi", "psk"], "short")?.[0]?.message).toBe(
      "psk must be at least 8 characters long",
    );
    const psk = secretValueIssues(schema, ["network", "wifi", "psk"], "pässwort-lang");
    expect(psk?.map((issue) => issue.message)).toEqual([
      "psk is not valid: WPA passphrase of printable ASCII characters only: letters, digits," +
        " punctuation and spaces",
    ]);
    expect(JSON.stringify(psk)).not.toContain("pässwort");
  });

  it("is null for a field that is not secret", () => {
    expect(secretValueIssues(schema, ["system", "hostname"], "node-1")).toBeNull();
  });
});
