import { describe, expect, it } from "vitest";

import { collaboratorsFrom, editorsByField } from "./collaborators";
import { pointerToFieldId } from "./field-pointer";

const alice = { id: "u1", login: "alice", color: "#e6194b" };
const bob = { id: "u2", login: "bob", color: "#4363d8" };

describe("collaboratorsFrom", () => {
  it("lists the other clients with the server's login and colour, in client-id order", () => {
    const states = new Map<number, unknown>([
      [30, { user: bob, field: null }],
      [7, { user: alice, field: "/system/hostname" }],
      [1, { user: { login: "me" }, field: "/board" }],
    ]);
    expect(collaboratorsFrom(states, 1)).toEqual([
      {
        clientId: 7,
        login: "alice",
        color: "#e6194b",
        field: "/system/hostname",
        sameBrowser: false,
      },
      { clientId: 30, login: "bob", color: "#4363d8", field: null, sameBrowser: false },
    ]);
  });

  it("treats an unstamped state as this user in another tab, and distrusts odd colours", () => {
    const states = new Map<number, unknown>([
      [2, { field: "/os/release" }],
      [3, { user: { login: "carol", color: "red; background: url(x)" } }],
      [4, null],
      [5, "not an object"],
    ]);
    expect(collaboratorsFrom(states, 1)).toEqual([
      { clientId: 2, login: "you", color: "#6b7480", field: "/os/release", sameBrowser: true },
      { clientId: 3, login: "carol", color: "#6b7480", field: null, sameBrowser: false },
    ]);
  });
});

describe("editorsByField", () => {
  it("groups the others by the id of the field they edit", () => {
    const others = collaboratorsFrom(
      new Map<number, unknown>([
        [2, { user: alice, field: "/system/hostname" }],
        [3, { user: bob, field: "/system/hostname" }],
        [4, { user: bob, field: "not a pointer" }],
        [5, { user: alice, field: null }],
      ]),
      1,
    );
    const byField = editorsByField(others, pointerToFieldId);
    expect([...byField.keys()]).toEqual(["root_system_hostname"]);
    expect(byField.get("root_system_hostname")?.map((c) => c.login)).toEqual(["alice", "bob"]);
  });
});
