import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

// Every database and Redis prefix a test run creates carries its owner: the host, the pid of the
// Vitest process that runs the suite, and that process's start time. Two checkouts testing at the
// same time on one PostgreSQL and Redis therefore never share names, and leftovers of a killed
// run can be told apart from another run's live data: the owner is on this host and its process
// is gone (or the pid now belongs to a process that started later).
//
//   bbos_t_<host>_<pid>_<start>       the run tag; names are `<tag>_<what>`
//
// PostgreSQL folds unquoted names to lower case and cuts them at 63 bytes, so the tag is short
// and lower case.

const TAG_PREFIX = "bbos_t_";
const TAG_PATTERN = /^bbos_t_([0-9a-f]{6})_(\d+)_([0-9a-z]+)_/;
/** Set by the Vitest global setup so that test workers name their data after the run. */
const RUN_VARIABLE = "BBOS_TEST_RUN";

const thisHost = createHash("sha256").update(hostname()).digest("hex").slice(0, 6);

/**
 * A token for when `pid` started, or null when no such process runs. Linux: the start time in
 * clock ticks since boot from /proc; elsewhere `ps`.
 */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; fields after it are plain.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[19]).toString(36);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && process.platform === "linux") {
      return null;
    }
  }
  const ps = spawnSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8" });
  const started = ps.stdout.trim();
  if (ps.status !== 0 || !started) return null;
  return createHash("sha256").update(started).digest("hex").slice(0, 8);
}

/** The run tag of the process `pid`, which must be running. */
export function testRunTagOf(pid: number): string {
  const started = processStart(pid);
  if (started === null) throw new Error(`process ${pid} is not running`);
  return `${TAG_PREFIX}${thisHost}_${pid}_${started}`;
}

/**
 * The current run's tag: the one the global setup published, or this process's own (test files
 * run without a global setup, e.g. in the queue package).
 */
export function testRunTag(): string {
  return process.env[RUN_VARIABLE] ?? testRunTagOf(process.pid);
}

/** Makes this process the owner of the run; call from a Vitest global setup, before workers start. */
export function claimTestRun(): string {
  const tag = testRunTagOf(process.pid);
  process.env[RUN_VARIABLE] = tag;
  return tag;
}

/** Whether `name` belongs to a test run, and that run provably ended. */
export function isAbandoned(name: string): boolean {
  const match = TAG_PATTERN.exec(name);
  if (!match) return false;
  const [, host, pid, started] = match;
  if (host !== thisHost) return false; // another machine's run: its process cannot be checked here
  return processStart(Number(pid)) !== started;
}

/** The pattern (SQL LIKE and Redis MATCH) that covers every run's names. */
export const TEST_RUN_NAMES = { like: `${TAG_PREFIX}%`, match: `${TAG_PREFIX}*` };
