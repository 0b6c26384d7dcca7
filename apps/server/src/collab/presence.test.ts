import { describe, expect, it } from "vitest";

import {
  decodeAwarenessUpdate,
  encodeAwarenessUpdate,
  stampAwarenessEntries,
  type PresenceUser,
} from "./presence.ts";

const alice: PresenceUser = {
  id: "0b5a0f1e-1d2c-4f3e-8a9b-000000000001",
  login: "alice",
  name: null,
  avatarUrl: null,
  color: "#3cb44b",
};

function stamp(state: Record<string, unknown> | null, mayUse = () => true) {
  return stampAwarenessEntries([{ clientId: 7, clock: 1, state }], {
    user: alice,
    mayUse,
    maxStateChars: 4096,
  });
}

describe("presence stamping", () => {
  it("replaces the claimed user and keeps the field being edited", () => {
    const [entry] = stamp({ user: { login: "admin" }, field: "/system/hostname", idle: false });
    expect(entry?.state).toEqual({ user: alice, field: "/system/hostname", idle: false });
  });

  it("normalises a field that is not a JSON Pointer and an idle flag that is not a boolean", () => {
    const [entry] = stamp({ field: "system.hostname<script>", idle: "yes" });
    expect(entry?.state).toMatchObject({ field: null, idle: false });
  });

  it("drops states of client ids the connection may not use, and oversized states", () => {
    expect(stamp({ field: "/os" }, () => false)).toEqual([]);
    expect(stamp({ note: "x".repeat(5000) })).toEqual([]);
  });

  it("passes a client's leave (null state) through", () => {
    expect(stamp(null)).toEqual([{ clientId: 7, clock: 1, state: null }]);
  });

  it("round-trips the awareness encoding and rejects what is not one", () => {
    const entries = [{ clientId: 3, clock: 9, state: { field: "/os/release" } }];
    expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries);
    expect(() => decodeAwarenessUpdate(Uint8Array.from([1, 3, 9, 3, 0x5b, 0x31, 0x5d]))).toThrow(
      "an awareness state must be an object or null",
    );
    expect(() => decodeAwarenessUpdate(Uint8Array.from([5, 1]))).toThrow("undecodable");
  });
});
