import { spawn, type ChildProcess } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { constants as osConstants } from "node:os";
import { join } from "node:path";

import { describeReason } from "./docker-errors.ts";
import { createLineSplitter } from "./line-splitter.ts";

/** How long a process group gets after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 10_000;

// Where distributions install system tools; fixed rather than read from PATH, which a non-root
// user's shell often lacks /usr/sbin in (and this module does not read the environment).
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** The absolute path of `command` in the standard system directories, or `null`. */
export async function findExecutable(command: string): Promise<string | null> {
  for (const dir of SYSTEM_DIRS) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; try the next one.
    }
  }
  return null;
}

/** Options for {@link runHostProcess}. */
export interface HostProcessOptions {
  /** Receives stdout and stderr lines. */
  onLine: (line: string) => void;
  /** Aborting stops the process group (SIGTERM, SIGKILL after 10 s) and rejects. */
  signal?: AbortSignal;
  /** How many of the last lines a failure message quotes. @defaultValue 15 */
  tailLines?: number;
}

/**
 * Runs `file` with `args` (no shell: arguments are passed as they are) in its own process group,
 * passing its output on line by line, and resolves when it exits with status 0.
 *
 * @throws Error `<what> failed with exit code N` followed by its last output lines; or
 * `<what> was stopped: <reason>` after an abort.
 */
export async function runHostProcess(
  what: string,
  file: string,
  args: string[],
  { onLine, signal, tailLines = 15 }: HostProcessOptions,
): Promise<void> {
  signal?.throwIfAborted();
  const tail: string[] = [];
  const collect = (line: string): void => {
    tail.push(line);
    if (tail.length > tailLines) tail.shift();
    onLine(line);
  };
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const stdout = createLineSplitter(collect);
  const stderr = createLineSplitter(collect);
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const stop = stopOnAbort(child, signal);
  try {
    const exitCode = await exitOf(child);
    stdout.end();
    stderr.end();
    if (signal?.aborted) throw new Error(`${what} was stopped: ${describeReason(signal.reason)}`);
    if (exitCode !== 0) {
      throw new Error(
        `${what} failed with exit code ${exitCode}; its last lines:\n  ${tail.join("\n  ")}`,
      );
    }
  } finally {
    stop();
  }
}

/** The exit code of `child` (128 + n for a signal n), once its output is closed. */
export function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0));
    });
  });
}

/**
 * Kills `child`'s process group when `signal` aborts (SIGTERM, then SIGKILL after 10 s); returns
 * the function that stops watching.
 */
export function stopOnAbort(child: ChildProcess, signal: AbortSignal | undefined): () => void {
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    killGroup(child, "SIGTERM");
    killTimer = setTimeout(() => killGroup(child, "SIGKILL"), KILL_GRACE_MS);
    killTimer.unref();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return () => {
    signal?.removeEventListener("abort", onAbort);
    clearTimeout(killTimer);
  };
}

function killGroup(child: ChildProcess, how: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, how);
  } catch {
    // The group is already gone.
  }
}
