// What a first visit downloads, against the budget: builds the app (vite.config.ts, with a
// manifest) into a temporary folder, then sums the initial route (index.html's entry chunk, the
// chunks it imports statically, transitively, and their CSS) and, apart, every lazy chunk, raw,
// gzip (level 9) and brotli (quality 11). Also counts the copies of Ajv bundled (distinct
// node_modules/ajv package folders among the chunks' modules). Exits 1 over budget.
//   npm run bench -w @bbos/web
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import { build, type Manifest, type Rolldown } from "vite";

/** The initial route's budget, gzipped (kB as Vite prints them: 1 kB = 1000 bytes). */
const BUDGET_GZIP_BYTES = 200_000;
const ENTRY = "index.html";

const webDir = resolve(import.meta.dirname, "..");
const repoDir = resolve(webDir, "../..");
const outDir = mkdtempSync(join(tmpdir(), "bbos-bundle-size-"));

interface Sizes {
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
}

/** Sizes of the built files, each compressed on its own (as the server sends them). */
function measure(files: Iterable<string>): Sizes {
  const sizes: Sizes = { files: 0, raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const content = readFileSync(join(outDir, file));
    sizes.files += 1;
    sizes.raw += content.length;
    sizes.gzip += gzipSync(content, { level: 9 }).length;
    sizes.brotli += brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
    }).length;
  }
  return sizes;
}

/** Manifest keys of the entry and of every chunk it imports statically, transitively. */
function initialChunks(manifest: Manifest): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the manifest has no ${key}`);
    seen.add(key);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(ENTRY);
  return seen;
}

/** The package folders (…/node_modules/ajv) the bundled modules come from, one per copy. */
function ajvCopies(chunks: Rolldown.OutputChunk[]): Map<string, string[]> {
  const copies = new Map<string, string[]>();
  for (const chunk of chunks) {
    for (const id of chunk.moduleIds) {
      const folder = /^(.*\/node_modules\/ajv)\//.exec(id.replaceAll("\\", "/"))?.[1];
      if (folder === undefined) continue;
      const inChunks = copies.get(folder) ?? [];
      if (!inChunks.includes(chunk.fileName)) inChunks.push(chunk.fileName);
      copies.set(folder, inChunks);
    }
  }
  return copies;
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

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

try {
  const started = performance.now();
  const result = await build({
    root: webDir,
    // Errors only: the chunk size warnings are what this measures anyway.
    logLevel: "error",
    build: { outDir, emptyOutDir: true, manifest: true },
  });
  const buildSeconds = (performance.now() - started) / 1000;
  const outputs = Array.isArray(result) ? result : [result];
  const chunks = outputs.flatMap((output) =>
    "output" in output
      ? output.output.filter((item): item is Rolldown.OutputChunk => item.type === "chunk")
      : [],
  );

  const manifest = JSON.parse(
    readFileSync(join(outDir, ".vite/manifest.json"), "utf8"),
  ) as Manifest;
  const initialKeys = initialChunks(manifest);
  const initialJs = new Set<string>();
  const initialCss = new Set<string>();
  for (const key of initialKeys) {
    const chunk = manifest[key];
    if (!chunk) continue;
    initialJs.add(chunk.file);
    for (const css of chunk.css ?? []) initialCss.add(css);
  }
  // Every other chunk is loaded by a dynamic import (or not at all), and so its CSS.
  const lazyJs = new Set<string>();
  const lazyCss = new Set<string>();
  for (const chunk of Object.values(manifest)) {
    if (chunk.file.endsWith(".js") && !initialJs.has(chunk.file)) lazyJs.add(chunk.file);
    for (const css of chunk.css ?? []) if (!initialCss.has(css)) lazyCss.add(css);
  }

  const initial = measure([...initialJs, ...initialCss]);
  const rows: [string, Sizes, string][] = [
    ["initial route", initial, kB(BUDGET_GZIP_BYTES)],
    ["  of which JS", measure(initialJs), ""],
    ["  of which CSS", measure(initialCss), ""],
    ["lazy chunks", measure([...lazyJs, ...lazyCss]), ""],
  ];
  const copies = ajvCopies(chunks);
  const overBudget = initial.gzip > BUDGET_GZIP_BYTES;

  console.log(
    `@bbos/web bundle size: vite build in ${buildSeconds.toFixed(1)} s, gzip level 9, brotli quality 11 (Node ${process.version})`,
  );
  printTable([
    ["part", "files", "raw", "gzip", "brotli", "budget (gzip)", "gzip ÷ budget"],
    ...rows.map(([name, sizes, budget]) => [
      name,
      String(sizes.files),
      kB(sizes.raw),
      kB(sizes.gzip),
      kB(sizes.brotli),
      budget,
      budget === "" ? "" : `${((sizes.gzip / BUDGET_GZIP_BYTES) * 100).toFixed(0)}%`,
    ]),
  ]);
  console.log(`ajv copies bundled: ${copies.size}`);
  for (const [folder, inChunks] of copies) {
    const { version } = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
      version: string;
    };
    console.log(`  ${relative(repoDir, folder)} ${version}: in ${inChunks.join(", ")}`);
  }
  console.log(
    overBudget
      ? `OVER BUDGET: the initial route is ${kB(initial.gzip)} gzipped, the budget ${kB(BUDGET_GZIP_BYTES)}`
      : `within budget: ${kB(BUDGET_GZIP_BYTES - initial.gzip)} gzipped to spare`,
  );
  if (overBudget) process.exitCode = 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
