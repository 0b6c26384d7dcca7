// The built web app and Debian's Chromium, for the tests that drive the real UI
// (playwright-core; never a browser a tool downloads).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { chromium, type Browser, type Page } from "playwright-core";

// scripts/test.sh installs Debian's chromium where it is missing.
const CHROMIUM = "/usr/bin/chromium";
const webDir = resolve(import.meta.dirname, "../../web");

/** The Vite CLI the web app builds with (its `bin`, which the package does not export). */
function viteCli(): string {
  const manifest = createRequire(join(webDir, "package.json")).resolve("vite/package.json");
  return join(dirname(manifest), "bin/vite.js");
}

/** Builds the web app into a temporary folder, for the server's `webDist`. */
export function buildWebApp(): { dist: string; remove: () => void } {
  const dist = mkdtempSync(join(tmpdir(), "bbos-web-"));
  const build = spawnSync(
    process.execPath,
    [viteCli(), "build", "--outDir", dist, "--emptyOutDir"],
    {
      cwd: webDir,
      encoding: "utf8",
    },
  );
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stderr}`);
  return { dist, remove: () => rmSync(dist, { recursive: true, force: true }) };
}

/** Headless Chromium with the flags that work as root here. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
}

/** Saves a screenshot of `page` as test output, `bbos-<name>.png` in the OS temp dir. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(tmpdir(), `bbos-${name}.png`);
  await page.screenshot({ path });
  console.log(`${name} screenshot: ${path}`);
}
