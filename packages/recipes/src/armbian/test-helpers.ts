// Shared by the armbian recipe's tests: plans written to disk and bash run on them.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import type { JsonObject, JsonValue, RecipeFile, RecipePlan } from "@bbos/core/build";

import { armbianRecipe } from "./armbian-recipe.ts";

/** A valid armbian config for rock-5b; `overrides` replace top-level keys. */
export function armbianConfig(overrides: Record<string, JsonValue> = {}): JsonObject {
  return {
    board: "rock-5b",
    os: { release: "trixie", branch: "current", variant: "server" },
    system: { hostname: "rock5b-lab" },
    build: { recipe: "armbian" },
    ...overrides,
  };
}

export function planOf(config: JsonObject): RecipePlan {
  return armbianRecipe.plan({
    config,
    contentHash: "0".repeat(64),
    sourceDateEpoch: 1_700_000_000,
    debianMirror: "http://deb.debian.org/debian",
    debianSecurityMirror: "http://security.debian.org/debian-security",
  });
}

const tempDirs: string[] = [];

/** A new temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bbos-armbian-"));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories {@link tempDir} made (call it in `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` under a new temporary directory, as the executor does under /work/in. */
export function writeFiles(files: readonly RecipeFile[]): string {
  const root = tempDir();
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  return root;
}

export function fileOf(plan: RecipePlan, path: string): string {
  const file = plan.files.find((entry) => entry.path === path);
  if (!file) throw new Error(`the plan has no file ${path}`);
  return file.content;
}

/** Runs `script` with `bash -euo pipefail -c`, as the executor does. */
export function runBash(
  script: string,
  options: { cwd?: string; env?: Record<string, string>; args?: string[] } = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    "bash",
    ["-euo", "pipefail", "-c", script, "bash", ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
      encoding: "utf8",
      // Not a socket on stdin: bash would then take itself for an rsh session and read bashrc.
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Strings a shell or a YAML parser would be tempted to interpret. */
export const HOSTILE = [
  "$(touch /tmp/pwned)",
  "'; rm -rf / #",
  "`id`",
  'a"b\\c$HOME${IFS}',
  "line one\nline two\n",
  "tab\there\r\n",
  "!!python/object:os.system 'id'",
  "--help",
  "  leading and trailing spaces  ",
  "emoji 🐳 and \u2028 separator",
] as const;
