// The page bench/log-viewer.ts opens in Chromium: appends a build's log lines in batches, as a
// busy build's subscription pushes them, and records the frame times meanwhile. `?mode=viewer`
// (the default) shows them in BuildLog, fed by a stand-in LiveClient; `?mode=pre` appends the
// same lines to a plain <pre> with `textContent +=`, the reference. `?lines=N` (100,000 by default).
// The results land on `window.__benchResult`; an uncaught error on `window.__benchError`.
import "../src/styles.css";

import type { FormattedExecutionResult, Sink, SubscribePayload } from "graphql-ws/client";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { BuildLog } from "../src/features/builds/build-log";
import type { LogLine } from "../src/features/builds/log-buffer";
import type { LiveClient } from "../src/features/live/live-client";

const BATCH_LINES = 500;
const BATCH_INTERVAL_MS = 8;
const LONG_FRAME_MS = 50;

export interface LogViewerBenchResult {
  mode: "viewer" | "pre";
  lines: number;
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Milliseconds from the first batch to the last line shown (plus two frames). */
  totalMs: number;
  /** Frames longer than LONG_FRAME_MS. */
  longFrames: number;
  /**
   * Frames that missed at least one 60 fps vsync: longer than 1.5 × 16.7 ms (rAF times are
   * quantised, so an on-time frame measures 16.6–16.8 ms).
   */
  overBudget: number;
}

declare global {
  interface Window {
    __benchResult?: LogViewerBenchResult;
    __benchError?: string;
  }
}

const params = new URLSearchParams(window.location.search);
const mode = params.get("mode") === "pre" ? "pre" : "viewer";
const totalLines = Number(params.get("lines") ?? 100_000);

window.addEventListener("error", (event) => {
  window.__benchError ??= String(event.error ?? event.message);
});
window.addEventListener("unhandledrejection", (event) => {
  window.__benchError ??= String(event.reason);
});

const STEPS = ["compiling", "linking", "fetching", "unpacking", "checking"];

/** Line `seq` (1-based) of a plausible build log: some coloured, some on stderr. */
function makeLine(seq: number): LogLine {
  const at = new Date(Date.UTC(2025, 0, 1, 12, 0, 0, seq)).toISOString();
  const step = STEPS[seq % STEPS.length] ?? "building";
  if (seq % 97 === 0) {
    return { seq, at, stream: "ERR", text: `warning: ${step} drivers/net/eth${seq}.c took long` };
  }
  if (seq % 10 === 0) {
    return { seq, at, stream: "OUT", text: `[${seq}] ${step} \u001b[32mok\u001b[0m` };
  }
  if (seq % 251 === 0) {
    return {
      seq,
      at,
      stream: "OUT",
      text: `\u001b[1;33m==> ${step}\u001b[0m package-${seq} \u001b[36m(cached)\u001b[0m`,
    };
  }
  return {
    seq,
    at,
    stream: "OUT",
    text: `[${seq}] ${step} src/module-${seq % 1000}/file-${seq}.c`,
  };
}

/**
 * Sends lines `after + 1` … `totalLines` to `onBatch`, BATCH_LINES every BATCH_INTERVAL_MS, then
 * calls `onEnd`. Returns a function that stops it.
 */
function playLog(after: number, onBatch: (lines: LogLine[]) => void, onEnd: () => void) {
  let next = after + 1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    const batch: LogLine[] = [];
    for (; next <= totalLines && batch.length < BATCH_LINES; next++) batch.push(makeLine(next));
    onBatch(batch);
    if (next <= totalLines) timer = setTimeout(tick, BATCH_INTERVAL_MS);
    else onEnd();
  };
  timer = setTimeout(tick, BATCH_INTERVAL_MS);
  return () => clearTimeout(timer);
}

/** Records the frame deltas from `start()` until `stop()`'s two frames later. */
function frameRecorder(onDone: (deltas: number[], totalMs: number) => void) {
  const deltas: number[] = [];
  let started = -1;
  let last = -1;
  let stopping = -1;
  const frame = (now: number) => {
    if (last >= 0) deltas.push(now - last);
    last = now;
    if (stopping >= 0 && --stopping < 0) {
      onDone(deltas, performance.now() - started);
      return;
    }
    requestAnimationFrame(frame);
  };
  return {
    start() {
      if (started >= 0) return;
      started = performance.now();
      requestAnimationFrame(frame);
    },
    /** The last line is on screen: two more frames, then done. */
    stop() {
      if (stopping < 0) stopping = 2;
    },
  };
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

const recorder = frameRecorder((deltas, totalMs) => {
  const sorted = [...deltas].sort((a, b) => a - b);
  window.__benchResult = {
    mode,
    lines: totalLines,
    frames: deltas.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
    totalMs,
    longFrames: deltas.filter((delta) => delta > LONG_FRAME_MS).length,
    overBudget: deltas.filter((delta) => delta > 1.5 * (1000 / 60)).length,
  };
});

const root = document.getElementById("root");
if (!root) throw new Error('log-viewer.html is missing <div id="root">');
// The log's box, as a panel in the app would give it.
Object.assign(root.style, {
  display: "flex",
  flexDirection: "column",
  width: "1200px",
  height: "700px",
});

if (mode === "viewer") {
  const expectedStatus = `${totalLines.toLocaleString()} lines. Log complete.`;
  // A graphql-ws client stand-in that plays the server: the `buildLog` subscription gets the
  // lines one message each, then completes.
  const client: LiveClient = {
    subscribe<TData>(
      payload: SubscribePayload,
      sink: Sink<FormattedExecutionResult<TData, unknown>>,
    ) {
      const after = Number(payload.variables?.after ?? 0);
      return playLog(
        after,
        (lines) => {
          recorder.start();
          for (const line of lines) sink.next({ data: { buildLog: line } as TData });
        },
        () => sink.complete(),
      );
    },
  };
  // The status says so once the last line is rendered.
  const watchStatus = () => {
    const status = document.querySelector('[role="status"][aria-label="Log status"]');
    if (status?.textContent === expectedStatus) recorder.stop();
    else requestAnimationFrame(watchStatus);
  };
  requestAnimationFrame(watchStatus);
  createRoot(root).render(
    <StrictMode>
      <BuildLog buildId="bench-build" client={client} />
    </StrictMode>,
  );
} else {
  // The reference: no virtualisation, every line in one text node, following the end.
  const pre = document.createElement("pre");
  Object.assign(pre.style, {
    flex: "1",
    margin: "0",
    overflow: "auto",
    fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, monospace',
    fontSize: "12px",
    lineHeight: "18px",
  });
  root.append(pre);
  // eslint-disable-next-line no-control-regex -- the ANSI codes a <pre> would show as is
  const ansi = /\u001b\[[0-9;]*m/g;
  playLog(
    0,
    (lines) => {
      recorder.start();
      pre.textContent += lines
        .map((line) => `${line.stream === "ERR" ? "ERR " : ""}${line.text.replace(ansi, "")}\n`)
        .join("");
      pre.scrollTop = pre.scrollHeight;
    },
    () => recorder.stop(),
  );
}
