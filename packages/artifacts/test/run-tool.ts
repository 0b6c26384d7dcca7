import { spawn } from "node:child_process";

/** Result of running a command line tool. */
export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args` (no shell) with stdin closed, so a tool that would prompt for a password
 * fails at once instead of hanging the test.
 */
export function runTool(command: string, args: string[], cwd?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
