import { describe, expect, it } from "vitest";

import { createCancelRegistry } from "./cancel-registry.ts";

describe("createCancelRegistry", () => {
  it("aborts the signal of a registered build, saying it was canceled by request", () => {
    const cancels = createCancelRegistry();
    const { signal } = cancels.register("build-1");

    expect(signal.aborted).toBe(false);
    expect(cancels.cancel("build-1")).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toEqual(new Error("canceled by request"));
  });

  it("answers false for a build this worker does not run, and aborts nothing else", () => {
    const cancels = createCancelRegistry();
    const other = cancels.register("build-2");

    expect(cancels.cancel("build-1")).toBe(false);
    expect(other.signal.aborted).toBe(false);
  });

  it("forgets a build once it is released", () => {
    const cancels = createCancelRegistry();
    const registration = cancels.register("build-1");
    registration.release();

    expect(cancels.cancel("build-1")).toBe(false);
    expect(registration.signal.aborted).toBe(false);
  });

  it("keeps a newer registration of the same build when an older one is released", () => {
    // A released job runs again on this worker while its old run is still winding down.
    const cancels = createCancelRegistry();
    const older = cancels.register("build-1");
    const newer = cancels.register("build-1");
    older.release();

    expect(cancels.cancel("build-1")).toBe(true);
    expect(newer.signal.aborted).toBe(true);
    expect(older.signal.aborted).toBe(false);
  });
});
