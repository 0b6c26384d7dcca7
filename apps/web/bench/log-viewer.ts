// The live build log's frame times while 100,000 lines arrive, in Debian's Chromium: builds
// bench/log-viewer.html (vite.config.ts) into a temporary folder, serves it, and opens it twice
// at 1440×900: BuildLog (virtualised) fed 500 lines every 8 ms, then the same lines appended to a
// plain <pre> as a reference. Prints both beside the 60 fps frame budget. The figures are
// information, not a pass/fail: exits 1 only if a page threw or never finished.
//   npm run bench -w @bbos/web
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";

import { chromium, type Browser } from "playwright-core";
import { build } from "vite";

import type { LogViewerBenchResult } from "./log-viewer-page";

const CHROMIUM = "/usr/bin/chromium";
const LINES = 100_000;
/** The reference's fallback when 100,000 lines in a <pre> do not finish in time. */
const REFERENCE_FALLBACK_LINES = 20_000;
const PAGE_TIMEOUT_MS = 120_000;
/** How long the reference may take over 100,000 lines before it counts as frozen. */
const REFERENCE_TIMEOUT_MS = 30_000;
const FRAME_BUDGET_MS = 1000 / 60;

const webDir = resolve(import.meta.dirname, "..");
const outDir = mkdtempSync(join(tmpdir(), "bbos-log-viewer-"));

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
};

/** A static server for the built page on a free port. */
async function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
    const file = join(root, path);
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

type Run = { result: LogViewerBenchResult } | { error: string };

/** Opens `url` and waits for the page's result, its error or `timeout` ms. */
async function runPage(browser: Browser, url: string, timeout = PAGE_TIMEOUT_MS): Promise<Run> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    await page.goto(url);
    const handle = await page.waitForFunction(
      () => window.__benchResult ?? (window.__benchError ? { error: window.__benchError } : null),
      undefined,
      { timeout, polling: 500 },
    );
    const value = (await handle.jsonValue()) as LogViewerBenchResult | { error: string };
    if ("error" in value) return value;
    if (errors.length > 0) return { error: errors.join("; ") };
    return { result: value };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { error: errors.length > 0 ? errors.join("; ") : `never finished: ${reason}` };
  } finally {
    await page.close().catch(() => undefined);
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Prints a table with the first column left-aligned and the others right-aligned. */
function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join("  "),
    );
    if (index === 0) console.log(widths.map((width) => "-".repeat(width)).join("  "));
  }
}

let server: Server | undefined;
let browser: Browser | undefined;
try {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  await build({
    root: webDir,
    configFile: join(webDir, "vite.config.ts"),
    logLevel: "warn",
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: join(webDir, "bench/log-viewer.html") },
    },
  });
  const served = await serve(outDir);
  server = served.server;
  const pageUrl = `${served.origin}/bench/log-viewer.html`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });

  const viewer = await runPage(browser, `${pageUrl}?mode=viewer&lines=${LINES}`);
  let reference = await runPage(
    browser,
    `${pageUrl}?mode=pre&lines=${LINES}`,
    REFERENCE_TIMEOUT_MS,
  );
  let referenceNote = "";
  if ("error" in reference && reference.error.startsWith("never finished")) {
    referenceNote = `the <pre> did not finish ${LINES.toLocaleString("en-US")} lines in ${REFERENCE_TIMEOUT_MS / 1000} s, so the reference is its first ${REFERENCE_FALLBACK_LINES.toLocaleString("en-US")} lines only`;
    reference = await runPage(browser, `${pageUrl}?mode=pre&lines=${REFERENCE_FALLBACK_LINES}`);
  }

  console.log(
    `\n@bbos/web log viewer: frame times while ${LINES.toLocaleString("en-US")} lines arrive (500 every 8 ms), ${browser.version()} headless, 1440×900, log box 1200×700`,
  );
  const runs: [string, Run][] = [
    ["BuildLog (virtualised)", viewer],
    ["plain <pre>, textContent +=", reference],
  ];
  const rows: string[][] = [
    ["page", "lines", "frames", "p50", "p95", "p99", "max", "missed vsync", "> 50 ms", "total"],
    [
      "60 fps budget",
      "",
      "",
      ms(FRAME_BUDGET_MS),
      ms(FRAME_BUDGET_MS),
      ms(FRAME_BUDGET_MS),
      ms(FRAME_BUDGET_MS),
      "0",
      "0",
      "",
    ],
  ];
  for (const [name, run] of runs) {
    if ("error" in run) {
      rows.push([name, "failed", "", "", "", "", "", "", "", ""]);
      continue;
    }
    const r = run.result;
    rows.push([
      name,
      r.lines.toLocaleString("en-US"),
      String(r.frames),
      ms(r.p50),
      ms(r.p95),
      ms(r.p99),
      ms(r.max),
      String(r.overBudget),
      String(r.longFrames),
      `${(r.totalMs / 1000).toFixed(2)} s`,
    ]);
  }
  printTable(rows);
  if (referenceNote) console.log(`note: ${referenceNote}`);
  console.log(
    "Frame times are rAF deltas from the first batch to the last line on screen (plus two frames); missed vsync = over 25 ms. They vary with the machine's load.",
  );
  for (const [name, run] of runs) {
    if ("error" in run) {
      console.error(`${name}: ${run.error}`);
      process.exitCode = 1;
    }
  }
} finally {
  await browser?.close().catch(() => undefined);
  server?.close();
  rmSync(outDir, { recursive: true, force: true });
}
