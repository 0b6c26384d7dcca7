// The API server as its own OS process (the sources, through tsx), for tests that kill or
// restart it, or run two of it.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const appDir = resolve(import.meta.dirname, "..");

export interface ServerProcess extends AsyncDisposable {
  url: string;
  child: ChildProcess;
  /** Sends the signal and waits for the process to end. */
  stop: (signal: NodeJS.Signals) => Promise<void>;
}

/**
 * The URL a server process reports in its "server listening" log line (pino JSON on stdout).
 * @throws when the process ends first.
 */
export async function listeningUrl(child: ChildProcess): Promise<string> {
  for await (const line of createInterface({ input: child.stdout ?? process.stdin })) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === "server listening" && entry.url) return entry.url;
  }
  throw new Error(`server process exited (${child.exitCode ?? child.signalCode})`);
}

/**
 * Starts `src/main.ts` with the given settings and resolves once it listens. Its files (the
 * development keys, artifacts) go to a new temporary DATA_DIR unless `env` names one.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), "bbos-server-data-"));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: appDir,
    env: { ...process.env, LOG_LEVEL: "info", DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await listeningUrl(child);
  // Keep reading, or a full pipe would block the process.
  child.stdout?.resume();
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  };
  return { url, child, stop, [Symbol.asyncDispose]: () => stop("SIGTERM") };
}
