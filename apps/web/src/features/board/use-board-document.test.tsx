import { act, renderHook } from "@testing-library/react";
import { StrictMode } from "react";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };

import {
  connectAndSync,
  denyEdits,
  offlineProviders,
  permissionDeniedMessage,
  receiveFromServer,
  serverDoc,
} from "../../../test/offline-provider";
import {
  OFFLINE_AFTER_FAILED_ATTEMPTS,
  readPermissionDenied,
  toJsonConfig,
  useBoardDocument,
} from "./use-board-document";

describe("useBoardDocument", () => {
  it("opens blank and connecting, and holds the board's config once synced", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    expect(result.current).toMatchObject({ config: {}, status: "connecting", loaded: false });
    expect(providers.last().roomname).toBe("board-1");

    receiveFromServer(providers.last(), serverDoc(typical));
    connectAndSync(providers.last());
    expect(result.current).toMatchObject({ status: "connected", synced: true, loaded: true });
    expect(result.current.config).toEqual(typical);
    expect(result.current.awareness).toBe(providers.last().awareness);
  });

  it("undoes and redoes only the user's own edits, leaving a remote edit in place", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    const server = serverDoc(typical);
    receiveFromServer(providers.last(), server);
    connectAndSync(providers.last());
    expect(result.current.canUndo).toBe(false);

    const mine = structuredClone(typical) as Record<string, unknown> & typeof typical;
    mine.system.hostname = "mine";
    act(() => result.current.change(mine));
    (configRoot(server).get("kernel") as Y.Map<unknown>).set("cmdline", "theirs");
    receiveFromServer(providers.last(), server);
    expect(result.current.canUndo).toBe(true);

    act(() => result.current.undo());
    expect(result.current.config).toMatchObject({
      system: { hostname: typical.system.hostname },
      kernel: { cmdline: "theirs" },
    });
    expect(result.current).toMatchObject({ canUndo: false, canRedo: true });

    act(() => result.current.redo());
    expect(result.current.config).toMatchObject({
      system: { hostname: "mine" },
      kernel: { cmdline: "theirs" },
    });
  });

  it("shows remote changes as they arrive", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    const server = serverDoc(typical);
    receiveFromServer(providers.last(), server);
    connectAndSync(providers.last());

    (configRoot(server).get("system") as Y.Map<unknown>).set("hostname", "remote-edit");
    receiveFromServer(providers.last(), server);
    expect(result.current.config).toMatchObject({ system: { hostname: "remote-edit" } });
  });

  it("writes the form's data as one transaction of differences, which the server receives", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    const server = serverDoc(typical);
    receiveFromServer(providers.last(), server);
    connectAndSync(providers.last());

    const updates: Uint8Array[] = [];
    providers.last().doc.on("update", (update: Uint8Array) => updates.push(update));
    const next = structuredClone(typical) as Record<string, unknown> & typeof typical;
    next.system.hostname = "lab-07";
    next.image.sizeMiB = 8192;
    act(() => result.current.change(next));

    expect(updates).toHaveLength(1);
    expect(result.current.config).toEqual(next);
    for (const update of updates) Y.applyUpdate(server, update);
    expect(readConfig(server)).toEqual(next);

    // Nothing changed, nothing sent.
    act(() => result.current.change(structuredClone(next)));
    expect(updates).toHaveLength(1);
  });

  it("removes a field the form emptied (RJSF spells it undefined)", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    receiveFromServer(providers.last(), serverDoc(typical));
    connectAndSync(providers.last());

    const next = structuredClone(typical) as Record<string, unknown> & typeof typical;
    (next.system as Record<string, unknown>).locale = undefined;
    act(() => result.current.change(next));
    expect(result.current.config.system).not.toHaveProperty("locale");
  });

  it("ignores the form until the first sync, so a blank document never overwrites the board", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    act(() => result.current.change({ board: "blank-form" }));
    expect(Y.encodeStateVector(providers.last().doc)).toEqual(Y.encodeStateVector(new Y.Doc()));
    expect(result.current.config).toEqual({});
  });

  it("records read-only reasons, refuses edits then, and forgets the verdict on a connection without one", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    const provider = providers.last();
    receiveFromServer(provider, serverDoc(typical));
    act(() => provider.emit("status", [{ status: "connected" }]));
    denyEdits(provider, "read-only: this board is archived");
    act(() => provider.emit("sync", [true]));
    expect(result.current.readOnlyReason).toBe("read-only: this board is archived");

    act(() => result.current.change({ ...typical, board: "viewer-edit" }));
    expect(result.current.config).toEqual(typical);

    // A new connection (e.g. after a restore) that is not told "read-only" may edit again.
    act(() => provider.emit("connection-close", [null, provider]));
    connectAndSync(provider);
    expect(result.current.readOnlyReason).toBeNull();
  });

  it("shows other refusals as a notice until the next sync", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    connectAndSync(providers.last());
    denyEdits(providers.last(), "edits paused: the server cannot store them right now");
    expect(result.current).toMatchObject({
      notice: "edits paused: the server cannot store them right now",
      readOnlyReason: null,
    });
    act(() => providers.last().emit("sync", [true]));
    expect(result.current.notice).toBeNull();
  });

  it("counts as disconnected after repeated failed attempts, and after a final close", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create));
    const provider = providers.last();
    connectAndSync(provider);
    act(() => provider.emit("connection-close", [null, provider]));
    expect(result.current).toMatchObject({ status: "connecting", synced: false, loaded: true });
    for (let i = 1; i < OFFLINE_AFTER_FAILED_ATTEMPTS; i++) {
      act(() => provider.emit("status", [{ status: "connecting" }]));
      act(() => provider.emit("connection-close", [null, provider]));
    }
    expect(result.current.status).toBe("disconnected");
    connectAndSync(provider);
    expect(result.current.status).toBe("connected");

    act(() => provider.emit("connection-close", [null, provider]));
    act(() => provider.emit("closed", [{ code: 4404, reason: "" }, provider]));
    expect(result.current).toMatchObject({
      status: "disconnected",
      closedReason: "the board does not exist, or you are not a member of its project",
    });
  });

  it("destroys the document and the provider on unmount and when the board changes", () => {
    const providers = offlineProviders();
    const { rerender, unmount } = renderHook(({ id }) => useBoardDocument(id, providers.create), {
      initialProps: { id: "board-1" },
    });
    const first = providers.last();
    rerender({ id: "board-2" });
    const second = providers.last();
    expect(second).not.toBe(first);
    expect(second.roomname).toBe("board-2");
    expect(first.doc.isDestroyed).toBe(true);
    expect(second.doc.isDestroyed).toBe(false);

    unmount();
    expect(second.doc.isDestroyed).toBe(true);
    expect(second.shouldConnect).toBe(false);
  });

  it("leaves exactly one live connection under StrictMode's double mount", () => {
    const providers = offlineProviders();
    const { result } = renderHook(() => useBoardDocument("board-1", providers.create), {
      wrapper: StrictMode,
    });
    const live = providers.created.filter((provider) => !provider.doc.isDestroyed);
    expect(live).toHaveLength(1);
    expect(result.current.awareness).toBe(live[0]?.awareness);
  });
});

describe("readPermissionDenied", () => {
  it("reads the reason of a permission-denied auth message and moves past it", () => {
    const bytes = permissionDeniedMessage(
      "read-only: your role in this project does not allow editing",
    );
    const decoder = { arr: bytes, pos: 0 };
    expect(readPermissionDenied(decoder)).toBe(
      "read-only: your role in this project does not allow editing",
    );
    expect(decoder.pos).toBe(bytes.length);
  });

  it("decodes multi-byte lengths and UTF-8", () => {
    const reason = `read-only: ${"ä".repeat(100)}`;
    const text = new TextEncoder().encode(reason);
    const bytes = Uint8Array.from([0, (text.length & 0x7f) | 0x80, text.length >> 7, ...text]);
    expect(readPermissionDenied({ arr: bytes, pos: 0 })).toBe(reason);
  });

  it("ignores other auth messages and throws on truncated ones", () => {
    expect(readPermissionDenied({ arr: Uint8Array.from([1, 0]), pos: 0 })).toBeNull();
    expect(() => readPermissionDenied({ arr: Uint8Array.from([0, 5, 65]), pos: 0 })).toThrow(
      RangeError,
    );
    expect(() => readPermissionDenied({ arr: Uint8Array.from([0, 0x80]), pos: 0 })).toThrow(
      RangeError,
    );
  });
});

describe("toJsonConfig", () => {
  it("drops undefined keys and turns undefined array elements into null, as JSON does", () => {
    expect(toJsonConfig({ a: undefined, b: [undefined, 1], c: { d: undefined } })).toEqual({
      b: [null, 1],
      c: {},
    });
  });
});
