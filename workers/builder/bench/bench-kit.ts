// What the parts of builds.bench.ts share: statistics, the table they print, a wall clock that
// containers can be compared with, child processes timed from the outside, and the cleanup stack
// that runs on success, on failure and on SIGINT/SIGTERM.
import { spawn } from "node:child_process";

/**
 * Epoch milliseconds with sub-millisecond resolution. Containers share the host's kernel and its
 * realtime clock, so a `date +%s%N` printed inside one compares directly with this.
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** `123.4` style, or `—` for a missing figure. */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "—";
}

/** BBOS ÷ reference, as `1.23x`; `—` when either is missing or the reference is 0. */
export function ratio(bbos: number, reference: number): string {
  if (!Number.isFinite(bbos) || !Number.isFinite(reference) || reference === 0) return "—";
  return `${(bbos / reference).toFixed(2)}x`;
}

/** One row of a part's table. */
export interface Row {
  measure: string;
  bbos: string;
  reference: string;
  ratio: string;
}

/** Prints `rows` under `title` as measure | BBOS | reference | ratio, then the notes. */
export function printTable(title: string, rows: readonly Row[], notes: readonly string[] = []) {
  const cells = [
    ["measure", "BBOS", "reference", "ratio"],
    ...rows.map((row) => [row.measure, row.bbos, row.reference, row.ratio]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join(" | ");
  console.log(`\n${title}`);
  for (const [index, row] of cells.entries()) {
    console.log(line(row));
    if (index === 0) console.log(widths.map((width) => "-".repeat(width)).join("-|-"));
  }
  for (const note of notes) console.log(`  ${note}`);
}

/** Median and p90 of latencies in ms, as one cell: `812.3 / 950.1`. */
export function medianP90(values: readonly number[]): string {
  return `${fixed(median(values))} / ${fixed(percentile(values, 90))}`;
}

/** A line a child process printed, with when it arrived here. */
export interface TimedLine {
  text: string;
  at: number;
}

/** How a child process ran, seen from this process. */
export interface TimedRun {
  /** When `spawn` was called ({@link epochMs}). */
  spawnedAt: number;
  /** When the process had exited and its output had closed ({@link epochMs}). */
  closedAt: number;
  stdout: TimedLine[];
  stderr: string;
}

/**
 * Runs `command` without a shell and resolves when it has exited with status 0.
 * @throws Error with its stderr when it exits otherwise.
 */
export function timedRun(command: string, args: readonly string[]): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const spawnedAt = epochMs();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: TimedLine[] = [];
    let partial = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const at = epochMs();
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const text of parts) stdout.push({ text, at });
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => {
      const closedAt = epochMs();
      if (partial) stdout.push({ text: partial, at: closedAt });
      if (code === 0) resolve({ spawnedAt, closedAt, stdout, stderr });
      else {
        reject(
          new Error(`${command} ${args.join(" ")} exited with ${code ?? signal}: ${stderr.trim()}`),
        );
      }
    });
  });
}

/** `promise`, or a rejection naming `what` after `timeoutMs`; the timer never outlives it. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `check` holds, polling; rejects after `timeoutMs` naming `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Cleanup steps, run last-registered first. Every step runs even when an earlier one fails; the
 * failures are printed and make the exit status 1 (they do not replace the error that ended the
 * run, if any).
 */
export interface Cleanup {
  add(what: string, step: () => unknown): void;
  run(): Promise<void>;
}

export function createCleanup(): Cleanup {
  const steps: { what: string; step: () => unknown }[] = [];
  let running: Promise<void> | null = null;
  return {
    add(what, step) {
      steps.push({ what, step });
    },
    run() {
      running ??= (async () => {
        for (let next = steps.pop(); next; next = steps.pop()) {
          try {
            await next.step();
          } catch (error) {
            console.error(`cleanup "${next.what}" failed:`, error);
            process.exitCode = 1;
          }
        }
        running = null;
      })();
      return running;
    },
  };
}
