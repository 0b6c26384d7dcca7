import { describe, expect, it } from "vitest";

import { boardConfigSchemas } from "@bbos/schemas";

import { redactor, secretValues } from "./secret-values.ts";

describe("secretValues", () => {
  it("finds the Wi-Fi PSK and password hashes of a board config, and nothing else", () => {
    const { schema } = boardConfigSchemas["board-config/2"];
    const config = {
      system: {
        hostname: "node-1",
        users: [
          { name: "alice", passwordHash: "$6$salt$hash-alice" },
          { name: "bob", passwordHash: "$6$salt$hash-bob" },
        ],
      },
      network: { wifi: { ssid: "lab", psk: "correct horse battery" } },
    };
    expect(secretValues(schema, config).sort()).toEqual([
      "$6$salt$hash-alice",
      "$6$salt$hash-bob",
      "correct horse battery",
    ]);
  });
});

describe("redactor", () => {
  it("replaces every occurrence, the longest secret first", () => {
    const redact = redactor(["pass", "password1"]);
    expect(redact("password1 then pass and pass")).toBe(
      "[redacted] then [redacted] and [redacted]",
    );
  });

  it("leaves lines alone without secrets", () => {
    expect(redactor([])("\u001b[31mred\u001b[0m")).toBe("\u001b[31mred\u001b[0m");
  });
});
