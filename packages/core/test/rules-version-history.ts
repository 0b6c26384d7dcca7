// The check behind RULES_VERSION: a fingerprint of the rules' source files, compared with the
// history of declared versions in src/rules/rules-version-history.json. It reads the files from
// disk, so it lives beside the tests, where node:* is allowed, and needs no git history.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

/** One declared rules version and the fingerprint of the sources it was declared for. */
export interface RulesVersionRecord {
  version: number;
  fingerprint: string;
}

/** A file of packages/core/src; `path` is relative to src, with forward slashes. */
export interface SourceFile {
  path: string;
  text: string;
}

const VERSION_FILE = "packages/core/src/rules/rules-version.ts";
const HISTORY_FILE = "packages/core/src/rules/rules-version-history.json";

/**
 * Files that never count: the version declaration itself (bumping it must not change what it
 * versions) and tests.
 */
function isExcluded(path: string): boolean {
  return path === "rules/rules-version.ts" || path.endsWith(".test.ts");
}

// Relative specifiers of `import … from`, `export … from`, `import "…"` and `import("…")`.
const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/**
 * The rules' sources: every file in `src/rules/`, `src/config-rules.ts` (the rule list and when a
 * rule may run) and every file of `src/` they import, transitively. Imports that leave `src/`
 * (packages) are not followed; their versions are pinned by the lockfile.
 */
export function collectRuleSources(srcDir: string): SourceFile[] {
  const roots = readdirSync(join(srcDir, "rules"))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => `rules/${name}`)
    .concat("config-rules.ts");
  const seen = new Set<string>();
  const pending = roots.filter((path) => !isExcluded(path));
  const files: SourceFile[] = [];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    const text = readFileSync(join(srcDir, path), "utf8");
    files.push({ path, text });
    for (const match of text.matchAll(RELATIVE_IMPORT)) {
      const target = posix.normalize(posix.join(posix.dirname(path), match[1] ?? ""));
      if (target.startsWith("../") || isExcluded(target)) continue;
      if (existsSync(join(srcDir, target))) pending.push(target);
    }
  }
  return files;
}

/**
 * Lowercase hex SHA-256 over the files' paths and texts, in path order, with line endings
 * normalised to LF so that a checkout with CRLF gets the same fingerprint.
 */
export function fingerprintSources(files: readonly SourceFile[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\0${file.text.replace(/\r\n?/g, "\n")}\0`);
  }
  return hash.digest("hex");
}

/**
 * What is wrong with the history given the declared version and the current fingerprint, as
 * instructions for the developer; empty when all is well. The history must list each version
 * once, in increasing order, ending at the declared version with the current fingerprint.
 */
export function checkRulesVersion(
  history: readonly RulesVersionRecord[],
  declared: number,
  fingerprint: string,
): string[] {
  const versions = history.map((record) => record.version);
  const disordered = versions.flatMap((version, index) => {
    const previous = versions[index - 1];
    return previous !== undefined && version <= previous
      ? [
          `${HISTORY_FILE} lists version ${version} after ${previous}; each version appears ` +
            `once, with one fingerprint, and entries are only ever appended in increasing order.`,
        ]
      : [];
  });
  // A broken history must be repaired first; comparing against it would only add noise.
  if (disordered.length > 0) return disordered;

  const newest = Math.max(declared, ...versions);
  const entry = (version: number) => JSON.stringify({ version, fingerprint });
  if (declared < newest) {
    return [
      `RULES_VERSION in ${VERSION_FILE} is ${declared}, but ${HISTORY_FILE} already records ` +
        `${newest}; versions only go up. Set RULES_VERSION to ${newest + 1} and append ` +
        `${entry(newest + 1)}.`,
    ];
  }
  const recorded = history.find((record) => record.version === declared);
  if (recorded === undefined) {
    return [
      `RULES_VERSION ${declared} has no entry in ${HISTORY_FILE}. Append ${entry(declared)}.`,
    ];
  }
  if (recorded.fingerprint !== fingerprint) {
    return [
      `The rule sources changed, but RULES_VERSION is still ${declared}, so results cached under ` +
        `${declared} could be served for different rules. Bump RULES_VERSION in ${VERSION_FILE} ` +
        `to ${declared + 1} and append ${entry(declared + 1)} to ${HISTORY_FILE}.`,
    ];
  }
  return [];
}
