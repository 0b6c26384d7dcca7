import { act, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { createFakeLiveClient } from "./fake-live-client";
import { useBuildLog } from "./use-build-log";

const logLine = (seq: number, text = `line ${seq}`) => ({
  data: { buildLog: { seq, at: "2025-01-01T00:00:00.000Z", stream: "OUT", text } },
});

// Each test reads its own build: the hook keeps a page session's logs by build id.
let nextBuild = 0;
const newBuildId = () => `build-${++nextBuild}`;

afterEach(() => {
  vi.useRealTimers();
});

describe("useBuildLog", () => {
  it("reads from the start, dedupes by seq, and batches updates into a frame", async () => {
    const fake = createFakeLiveClient();
    const buildId = newBuildId();
    const { result } = renderHook(() => useBuildLog(buildId, fake.client));

    expect(fake.active("BuildLog").payload.variables).toEqual({ buildId, after: 0 });
    expect(result.current.status).toBe("connecting");

    act(() => {
      const { sink } = fake.active("BuildLog");
      sink.next(logLine(1));
      sink.next(logLine(2));
      sink.next(logLine(2, "repeated"));
      sink.next(logLine(3));
    });

    await waitFor(() => expect(result.current.version).toBeGreaterThan(0));
    expect(result.current.status).toBe("streaming");
    expect(result.current.buffer.lines.map((l) => l.text)).toEqual(["line 1", "line 2", "line 3"]);
  });

  it("tells React of arriving lines at most once per animation frame, however many arrive", () => {
    vi.useFakeTimers();
    const fake = createFakeLiveClient();
    const buildId = newBuildId();
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useBuildLog(buildId, fake.client);
    });
    // The first line also reports the log as streaming; that state change renders on its own.
    act(() => fake.active("BuildLog").sink.next(logLine(1)));
    act(() => {
      vi.advanceTimersToNextFrame();
    });
    const { version } = result.current;
    const rendered = renders;

    act(() => {
      for (let seq = 2; seq <= 5_000; seq++) fake.active("BuildLog").sink.next(logLine(seq));
    });
    expect(renders).toBe(rendered);

    act(() => {
      vi.advanceTimersToNextFrame();
    });
    expect(renders).toBe(rendered + 1);
    expect(result.current.version).toBe(version + 1);
    expect(result.current.buffer.lines).toHaveLength(5_000);

    // A frame with nothing new renders nothing.
    act(() => {
      vi.advanceTimersToNextFrame();
    });
    expect(renders).toBe(rendered + 1);
  });

  it("resubscribes after a dropped connection with after = the last seq seen", () => {
    vi.useFakeTimers();
    const fake = createFakeLiveClient();
    const buildId = newBuildId();
    const { result } = renderHook(() => useBuildLog(buildId, fake.client));

    act(() => {
      fake.active("BuildLog").sink.next(logLine(1));
      fake.active("BuildLog").sink.next(logLine(2));
      fake.active("BuildLog").sink.error({ code: 1006, reason: "" });
    });
    expect(result.current.status).toBe("reconnecting");
    expect(result.current.message).toBe("connection closed (1006)");

    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(fake.of("BuildLog").map((s) => s.payload.variables)).toEqual([
      { buildId, after: 0 },
      { buildId, after: 2 },
    ]);

    // The server resumes after 2; a stray repeat of 2 is still dropped.
    act(() => {
      fake.active("BuildLog").sink.next(logLine(2, "repeated"));
      fake.active("BuildLog").sink.next(logLine(3));
      vi.advanceTimersToNextFrame();
    });
    expect(result.current.buffer.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it("resumes a dropped log after the last line held, each line once", () => {
    vi.useFakeTimers();
    const fake = createFakeLiveClient();
    const buildId = newBuildId();
    const { result } = renderHook(() => useBuildLog(buildId, fake.client));

    act(() => {
      for (let seq = 1; seq <= 5; seq++) fake.active("BuildLog").sink.next(logLine(seq));
      fake.active("BuildLog").sink.error({ code: 1006, reason: "" });
      vi.advanceTimersByTime(1_000);
    });
    expect(fake.active("BuildLog").payload.variables).toEqual({ buildId, after: 5 });

    act(() => {
      const { sink } = fake.active("BuildLog");
      sink.next(logLine(6));
      sink.next(logLine(5, "repeated"));
      sink.next(logLine(7));
      sink.next(logLine(7, "repeated"));
      sink.next(logLine(8));
      vi.advanceTimersToNextFrame();
    });
    expect(result.current.buffer.lines.map((l) => l.text)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((seq) => `line ${seq}`),
    );
  });

  it("resumes after the last seq when remounted, and unsubscribes on unmount", () => {
    const fake = createFakeLiveClient();
    const buildId = newBuildId();
    const first = renderHook(() => useBuildLog(buildId, fake.client));
    act(() => {
      for (let seq = 1; seq <= 5; seq++) fake.active("BuildLog").sink.next(logLine(seq));
    });
    first.unmount();
    expect(fake.of("BuildLog")[0]?.active).toBe(false);

    const second = renderHook(() => useBuildLog(buildId, fake.client));
    expect(fake.active("BuildLog").payload.variables).toEqual({ buildId, after: 5 });
    expect(second.result.current.buffer.lines).toHaveLength(5);
  });

  it("reports a complete log, and a refusal without retrying", () => {
    vi.useFakeTimers();
    const fake = createFakeLiveClient();
    const completeId = newBuildId();
    const { result } = renderHook(() => useBuildLog(completeId, fake.client));
    act(() => fake.active("BuildLog").sink.complete());
    expect(result.current.status).toBe("complete");

    const refusedId = newBuildId();
    const refused = renderHook(() => useBuildLog(refusedId, fake.client));
    act(() => fake.active("BuildLog").sink.error([{ message: "Not found" }]));
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(refused.result.current).toMatchObject({ status: "refused", message: "Not found" });
    expect(fake.of("BuildLog")).toHaveLength(2);
  });
});
