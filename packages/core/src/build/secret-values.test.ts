import { describe, expect, it } from "vitest";

import { boardConfigSchemas } from "@bbos/schemas";

import {
  isSecretReference,
  redactor,
  secretFields,
  secretValues,
  secretValueSchema,
  withSecretFields,
} from "./secret-values.ts";
import type { JsonObject } from "../safe-json.ts";

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

describe("secret fields of board-config/3", () => {
  const { schema } = boardConfigSchemas["board-config/3"];
  const reference = { secretId: "6f1c1b52-58c4-4f39-9f0b-3f4d0c1e2a77", revision: 2 };
  const config: JsonObject = {
    board: "qemu-arm64",
    system: {
      hostname: "node-1",
      users: [{ name: "alice" }, { name: "bob", passwordHash: "$6$salt$hash-bob" }],
    },
    network: { wifi: { ssid: "lab", psk: reference } },
  };

  it("lists every secret field that holds something, reference or plain value, by pointer", () => {
    expect(secretFields(schema, config)).toEqual([
      {
        pointer: "/system/users/1/passwordHash",
        path: ["system", "users", "1", "passwordHash"],
        value: "$6$salt$hash-bob",
      },
      { pointer: "/network/wifi/psk", path: ["network", "wifi", "psk"], value: reference },
    ]);
    expect(isSecretReference(reference)).toBe(true);
    expect(isSecretReference("$6$salt$hash-bob")).toBe(false);
    expect(isSecretReference({ ...reference, value: "x" })).toBe(false);
  });

  it("finds the schema a secret value must match, and only at secret fields", () => {
    expect(secretValueSchema(schema, ["network", "wifi", "psk"])).toMatchObject({ minLength: 8 });
    expect(secretValueSchema(schema, ["system", "users", "3", "passwordHash"])).toMatchObject({
      maxLength: 256,
    });
    expect(secretValueSchema(schema, ["network", "wifi", "ssid"])).toBeNull();
    expect(secretValueSchema(schema, ["network", "nope", "psk"])).toBeNull();
    expect(
      secretValueSchema(boardConfigSchemas["board-config/2"].schema, ["network", "wifi", "psk"]),
    ).toBeNull();
  });

  it("sets secret fields in a copy and leaves the input alone", () => {
    const values = secretFields(schema, config).map(({ pointer, path }) => ({
      path,
      value: `value of ${pointer}`,
    }));
    const resolved = withSecretFields(config, values);
    expect(resolved).toMatchObject({
      system: {
        users: [{ name: "alice" }, { passwordHash: "value of /system/users/1/passwordHash" }],
      },
      network: { wifi: { ssid: "lab", psk: "value of /network/wifi/psk" } },
    });
    expect(resolved["system"]).not.toHaveProperty("users.0.passwordHash");
    expect(config["network"]).toEqual({ wifi: { ssid: "lab", psk: reference } });
  });
});
