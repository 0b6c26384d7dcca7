import type { UiSchema } from "@rjsf/utils";
import { createElement } from "react";
import { describe, expect, it } from "vitest";

import { boardConfigSchemas } from "@bbos/schemas";
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };

import { EMPTY_CATALOGUE, renderWithQuery } from "../../../test/render-with-query";
import { BoardConfigForm } from "./board-config-form";
import { fieldIdToPointer, pointerToFieldId } from "./field-pointer";

const { schema, uiSchema } = boardConfigSchemas["board-config/1"];

describe("fieldIdToPointer", () => {
  it("names the field of an RJSF id as a JSON Pointer, read against the real schema", () => {
    expect(fieldIdToPointer("root", schema)).toBe("");
    expect(fieldIdToPointer("root_system_hostname", schema)).toBe("/system/hostname");
    expect(fieldIdToPointer("root_system_users_0_name", schema)).toBe("/system/users/0/name");
    expect(fieldIdToPointer("root_network_wifi_psk", schema)).toBe("/network/wifi/psk");
    // Array items behind a $ref.
    expect(fieldIdToPointer("root_packages_install_2", schema)).toBe("/packages/install/2");
  });

  it("prefers the longest declared key, so keys may contain the separator", () => {
    const withUnderscores = {
      type: "object",
      properties: {
        wifi: { type: "object", properties: { psk: { type: "string" } } },
        wifi_psk: { type: "string" },
        wifi_extra: { type: "object", properties: { a_b: { type: "string" } } },
      },
    };
    expect(fieldIdToPointer("root_wifi_psk", withUnderscores)).toBe("/wifi_psk");
    expect(fieldIdToPointer("root_wifi_extra_a_b", withUnderscores)).toBe("/wifi_extra/a_b");
  });

  it("backtracks when the longest key leaves a rest the schema cannot name", () => {
    const schema = {
      properties: {
        a: { properties: { b_c: { type: "string" } } },
        a_b: { type: "string" },
      },
    };
    expect(fieldIdToPointer("root_a_b_c", schema)).toBe("/a/b_c");
  });

  it("reads keys of maps (additionalProperties) and follows local refs and combinators", () => {
    const schema = {
      $defs: { env: { type: "object", additionalProperties: { type: "string" } } },
      type: "object",
      allOf: [{ properties: { build: { properties: { env: { $ref: "#/$defs/env" } } } } }],
    };
    expect(fieldIdToPointer("root_build_env_MY_VAR", schema)).toBe("/build/env/MY_VAR");
  });

  it("falls back to splitting at every separator, and refuses ids of other forms", () => {
    expect(fieldIdToPointer("root_unknown_key", schema)).toBe("/unknown/key");
    expect(fieldIdToPointer("root_x", true)).toBe("/x");
    expect(fieldIdToPointer("other_system", schema)).toBeNull();
    expect(fieldIdToPointer("rootless", schema)).toBeNull();
  });

  it("survives a schema whose refs loop without consuming the id", () => {
    const looping = { $ref: "#", allOf: [{ $ref: "#" }] };
    expect(fieldIdToPointer("root_a_b", looping)).toBe("/a/b");
  });
});

describe("pointerToFieldId", () => {
  it("is the id RJSF gives the field at the pointer", () => {
    expect(pointerToFieldId("")).toBe("root");
    expect(pointerToFieldId("/system/hostname")).toBe("root_system_hostname");
    expect(pointerToFieldId("/system/users/0/name")).toBe("root_system_users_0_name");
  });

  it("is null for text that is not a JSON Pointer", () => {
    expect(pointerToFieldId("system/hostname")).toBeNull();
    expect(pointerToFieldId("/bad~2escape")).toBeNull();
  });
});

describe("ids of the real form", () => {
  it("map to pointers and back for every input the typical config renders", () => {
    const { container } = renderWithQuery(
      createElement(BoardConfigForm, {
        boardId: "b1",
        projectId: "p1",
        schema,
        uiSchema: uiSchema as UiSchema,
        config: typical,
        onChange: () => undefined,
      }),
      { seed: [EMPTY_CATALOGUE] },
    );
    const ids = [...container.querySelectorAll("input[id], select[id], textarea[id]")]
      .map((element) => element.id)
      // Option inputs of radio and checkbox groups (`root_x-0`) are not fields.
      .filter((id) => !/-\d+$/.test(id));
    expect(ids).toContain("root_system_users_0_sshKeys_0");
    for (const id of ids) {
      const pointer = fieldIdToPointer(id, schema);
      expect(pointer, id).not.toBeNull();
      expect(pointerToFieldId(pointer ?? ""), id).toBe(id);
    }
  });
});
