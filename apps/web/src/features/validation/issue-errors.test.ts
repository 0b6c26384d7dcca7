import { describe, expect, it } from "vitest";

import { issuesToErrorSchema } from "./issue-errors";

describe("issuesToErrorSchema", () => {
  it("puts each error beside the field its pointer names, once, and leaves warnings out", () => {
    const schema = issuesToErrorSchema([
      {
        path: "/network/wifi/ssid",
        code: "REQUIRED",
        message: "Enter the SSID",
        severity: "ERROR",
      },
      {
        path: "/network/wifi/ssid",
        code: "REQUIRED",
        message: "Enter the SSID",
        severity: "ERROR",
      },
      { path: "/system/users/0/name", code: "PATTERN", message: "Bad name", severity: "ERROR" },
      { path: "/files/a~1b", code: "X", message: "Slash key", severity: "ERROR" },
      { path: "", code: "RULE", message: "Whole config", severity: "ERROR" },
      { path: "/kernel/cmdline", code: "LONG", message: "Consider less", severity: "WARNING" },
    ]);
    expect(schema).toEqual({
      __errors: ["Whole config"],
      network: { wifi: { ssid: { __errors: ["Enter the SSID"] } } },
      system: { users: { "0": { name: { __errors: ["Bad name"] } } } },
      files: { "a/b": { __errors: ["Slash key"] } },
    });
  });
});
