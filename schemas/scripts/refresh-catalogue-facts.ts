// Refreshes schemas/armbian-facts.json from a local armbian/build checkout and Debian's u-boot
// packages, then regenerates schemas/board-catalogue.json from those facts. See schemas/README.md
// ("Catalogue facts") for how to get the inputs.
//
//   npx tsx schemas/scripts/refresh-catalogue-facts.ts <armbian-build-dir> <u-boot-packages-dir> \
//     [--revision <40-hex sha>] [--catalogue-only]
//
// <armbian-build-dir>: a working tree of armbian/build (a git worktree, or `git archive` output
//   with --revision). Only config/, patch/kernel/archive/, extensions/ and
//   lib/functions/main/config-prepare.sh are read.
// <u-boot-packages-dir>: one directory per Debian release (bookworm/, trixie/), each holding
//   u-boot-*.deb files and/or their `dpkg-deb -R` extractions (directories with DEBIAN/control).
// --catalogue-only: skip the extraction and regenerate the catalogue from the facts file.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { format } from "prettier";

import type { BoardCatalogue } from "../generated/board-catalogue.ts";
import {
  boardFacts,
  debianFacts,
  debianTargetCandidates,
  extensionFacts,
  familyFacts,
  releaseFacts,
  type DebianContents,
  type Fact,
  type FactsFile,
  type Tree,
} from "./armbian-facts.ts";
import { catalogueFromFacts } from "./catalogue-from-facts.ts";

const FACTS_FILE = new URL("../armbian-facts.json", import.meta.url);
const CATALOGUE_FILE = new URL("../board-catalogue.json", import.meta.url);
const REPOSITORY = "https://github.com/armbian/build";

function localTree(root: string): Tree {
  return {
    readFile: (path) => {
      const full = join(root, path);
      return existsSync(full) && statSync(full).isFile() ? readFileSync(full, "utf8") : null;
    },
    list: (path) => {
      const full = join(root, path);
      return existsSync(full) && statSync(full).isDirectory() ? readdirSync(full) : null;
    },
  };
}

function revisionOf(root: string, given: string | undefined): string {
  const revision =
    given ?? execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  if (!/^[0-9a-f]{40}$/.test(revision)) throw new Error(`not a commit: ${revision}`);
  return revision;
}

/** usr/lib/u-boot/<target>/<file> entries of a package, from a .deb or an extracted tree. */
function readPackage(path: string, release: string): DebianContents {
  const isDeb = path.endsWith(".deb");
  const field = (name: string) =>
    isDeb
      ? execFileSync("dpkg-deb", ["-f", path, name], { encoding: "utf8" }).trim()
      : (new RegExp(`^${name}: (.*)$`, "m").exec(
          readFileSync(join(path, "DEBIAN", "control"), "utf8"),
        )?.[1] ?? "");
  const files = isDeb
    ? execFileSync("dpkg-deb", ["-c", path], { encoding: "utf8", maxBuffer: 1 << 26 })
        .split("\n")
        .filter((line) => line.startsWith("-"))
        .map((line) => (line.split(/\s+/).at(-1) ?? "").replace(/^\.\//, ""))
    : walk(path, "");
  const targets = new Map<string, string[]>();
  for (const file of files) {
    const match = /^usr\/lib\/u-boot\/([^/]+)\/([^/]+)$/.exec(file);
    if (match === null) continue;
    const target = match[1] ?? "";
    targets.set(target, [...(targets.get(target) ?? []), match[2] ?? ""]);
  }
  return {
    package: field("Package"),
    version: field("Version"),
    architecture: field("Architecture"),
    release,
    targets,
  };
}

function walk(root: string, prefix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (path === "DEBIAN") continue;
    if (entry.isDirectory()) out.push(...walk(root, path));
    else out.push(path);
  }
  return out;
}

function readDebian(dir: string): DebianContents[] {
  const seen = new Map<string, DebianContents>();
  for (const release of readdirSync(dir).sort()) {
    const releaseDir = join(dir, release);
    if (!statSync(releaseDir).isDirectory()) continue;
    for (const entry of readdirSync(releaseDir).sort()) {
      const path = join(releaseDir, entry);
      const extracted = existsSync(join(path, "DEBIAN", "control"));
      if (!extracted && !(entry.startsWith("u-boot-") && entry.endsWith(".deb"))) continue;
      const contents = readPackage(path, release);
      const key = `${contents.package}:${contents.architecture}:${release}`;
      const other = seen.get(key);
      if (other !== undefined && other.version !== contents.version) {
        throw new Error(`${key}: two versions (${other.version}, ${contents.version}) in ${dir}`);
      }
      seen.set(key, contents);
    }
  }
  return [...seen.values()];
}

async function writeJson(url: URL, value: unknown): Promise<void> {
  const text = await format(JSON.stringify(value), { parser: "json", printWidth: 100 });
  writeFileSync(url, text);
  console.log(`wrote ${url.pathname}`);
}

async function main(argv: string[]): Promise<void> {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--catalogue-only") flags.set(arg, "yes");
    else if (arg === "--revision") flags.set(arg, argv[++i] ?? "");
    else positional.push(arg);
  }
  const previous = JSON.parse(readFileSync(CATALOGUE_FILE, "utf8")) as BoardCatalogue;

  let facts: FactsFile;
  if (flags.has("--catalogue-only")) {
    facts = JSON.parse(readFileSync(FACTS_FILE, "utf8")) as FactsFile;
  } else {
    const [armbianDir, debianDir] = positional;
    if (armbianDir === undefined || debianDir === undefined) {
      throw new Error(
        "usage: refresh-catalogue-facts.ts <armbian-build-dir> <u-boot-packages-dir> " +
          "[--revision <sha>] [--catalogue-only]",
      );
    }
    const tree = localTree(armbianDir);
    const ids = previous.boards.filter((b) => b.supportTier !== "virtual").map((b) => b.id);
    const armbian: Fact[] = ids.flatMap((id) => boardFacts(tree, id));
    const families = new Set(
      armbian.filter((f) => f.fact === "BOARDFAMILY").map((f) => f.value as string),
    );
    for (const family of [...families].sort()) armbian.push(...familyFacts(tree, family));
    armbian.push(...releaseFacts(tree), ...extensionFacts(tree));

    const candidates = new Set(ids.flatMap((id) => debianTargetCandidates(armbian, id)));
    const debian = debianFacts(readDebian(debianDir), (_pkg, target) => candidates.has(target));
    facts = {
      repository: REPOSITORY,
      revision: revisionOf(armbianDir, flags.get("--revision")),
      debian: debian.debian,
      facts: [...armbian, ...debian.facts],
    };
    const unparsed = facts.facts.filter((f) => f.fact === "unparsed");
    for (const fact of unparsed)
      console.warn(`unparsed: ${fact.subject} ${JSON.stringify(fact.value)}`);
    await writeJson(FACTS_FILE, facts);
  }
  await writeJson(CATALOGUE_FILE, catalogueFromFacts(facts, previous));
}

await main(process.argv.slice(2));
