// Facts read from an armbian/build checkout and from Debian's u-boot packages: the extraction half
// of refresh-catalogue-facts.ts, kept free of process and file-system globals so that tests can
// feed it small fixture trees.
import {
  evaluateFile,
  evaluateStatements,
  familyHooks,
  isUnknown,
  newEvaluation,
  type Binding,
  type Evaluation,
  type ShellContext,
} from "./armbian-shell.ts";

/** One fact: what `subject` has for `fact`, and the file (relative to its source) it comes from. */
export interface Fact {
  readonly subject: string;
  readonly fact: string;
  readonly value: unknown;
  readonly source: string;
}

/** A Debian package that was read. */
export interface DebianPackage {
  readonly package: string;
  readonly version: string;
  readonly release: string;
}

/** The file `schemas/armbian-facts.json`. */
export interface FactsFile {
  readonly repository: string;
  readonly revision: string;
  readonly debian: DebianPackage[];
  readonly facts: Fact[];
}

/** Read access to a checkout: paths are relative to its root. */
export interface Tree {
  readonly readFile: (path: string) => string | null;
  /** Entry names of a directory, or `null` when it does not exist. */
  readonly list: (path: string) => string[] | null;
}

/** Armbian's board file extensions and what they mean for support. */
const BOARD_FILE_EXTENSIONS = ["conf", "csc", "wip", "eos", "tvb"] as const;

/** The variables the board and family files are evaluated for. */
const TRACKED = new Set([
  "BOARD_NAME",
  "BOARD_VENDOR",
  "BOARDFAMILY",
  "KERNEL_TARGET",
  "BOOT_FDT_FILE",
  "BOOT_SCENARIO",
  "BOOT_SOC",
  "BOOTCONFIG",
  "OVERLAY_PREFIX",
  "IMAGE_PARTITION_TABLE",
  "ARCH",
  "LINUXFAMILY",
  "KERNEL_MAJOR_MINOR",
  "KERNELPATCHDIR",
  "KERNEL_PATCH_ARCHIVE_BASE",
]);

/** Facts that hold for the board as a whole (read from the board file before any branch). */
const BOARD_LEVEL = ["BOARD_NAME", "BOARD_VENDOR", "BOARDFAMILY", "KERNEL_TARGET"] as const;

/** Facts that may depend on the branch; emitted plain when equal on every branch, else `@branch`. */
const BRANCH_LEVEL = [
  "BOOT_FDT_FILE",
  "BOOT_SCENARIO",
  "BOOT_SOC",
  "BOOTCONFIG",
  "OVERLAY_PREFIX",
  "IMAGE_PARTITION_TABLE",
  "ARCH",
  "LINUXFAMILY",
  "KERNEL_MAJOR_MINOR",
] as const;

/** The fact name of a value that differs between branches. */
function branchFact(name: string, branch: string): string {
  return `${name}@${branch}`;
}

function context(tree: Tree): ShellContext {
  return { tracked: TRACKED, readFile: tree.readFile };
}

/** The board file of `id` and its extension, or `null`. */
function findBoardFile(tree: Tree, id: string): { path: string; extension: string } | null {
  const names = new Set(tree.list("config/boards") ?? []);
  for (const extension of BOARD_FILE_EXTENSIONS) {
    if (names.has(`${id}.${extension}`))
      return { path: `config/boards/${id}.${extension}`, extension };
  }
  return null;
}

/** A binding as a fact value: the string, `null` when unset; unknown values are reported. */
function valueOf(binding: Binding | undefined): { value: string | null } | { unknown: string } {
  if (binding === undefined) return { value: null };
  return isUnknown(binding.value) ? { unknown: binding.value.unknown } : { value: binding.value };
}

/**
 * Evaluates the board file, then the family file, then the family-config hooks, for one branch,
 * in the order Armbian's main-config.sh does. `branch` `null` evaluates the board file alone.
 */
function evaluateBoard(tree: Tree, boardFile: string, id: string, branch: string | null) {
  const state = newEvaluation(branch === null ? { BOARD: id } : { BOARD: id, BRANCH: branch });
  const ctx = context(tree);
  evaluateFile(boardFile, state, ctx);
  if (branch === null) return state;
  const family = state.env.get("BOARDFAMILY")?.value;
  if (family === undefined || isUnknown(family)) {
    throw new Error(`${boardFile}: BOARDFAMILY is not a plain value`);
  }
  evaluateFile(`config/sources/families/${family}.conf`, state, ctx);
  for (const hook of familyHooks(state.functions, branch)) {
    evaluateStatements(hook.body, state, ctx, hook.source);
  }
  return state;
}

/** Every fact about one board (`board:<id>`). */
export function boardFacts(tree: Tree, id: string): Fact[] {
  const subject = `board:${id}`;
  const file = findBoardFile(tree, id);
  if (file === null) throw new Error(`config/boards/${id}.*: no board file`);
  const facts: Fact[] = [{ subject, fact: "support", value: file.extension, source: file.path }];
  const unparsed = (variable: string, branch: string | null, reason: string, source: string) =>
    facts.push({ subject, fact: "unparsed", value: { variable, branch, reason }, source });

  let base: Evaluation;
  try {
    base = evaluateBoard(tree, file.path, id, null);
  } catch (error) {
    unparsed("*", null, (error as Error).message, file.path);
    return facts;
  }
  let branches: string[] = [];
  for (const name of BOARD_LEVEL) {
    const binding = base.env.get(name);
    const read = valueOf(binding);
    const source = binding?.source ?? file.path;
    if ("unknown" in read) {
      unparsed(name, null, read.unknown, source);
      continue;
    }
    if (name === "KERNEL_TARGET") {
      branches = (read.value ?? "")
        .split(",")
        .map((b) => b.trim())
        .filter((b) => b !== "");
      facts.push({ subject, fact: name, value: branches, source });
    } else {
      facts.push({ subject, fact: name, value: read.value, source });
    }
  }

  const perBranch = new Map<string, Evaluation>();
  for (const branch of branches) {
    try {
      perBranch.set(branch, evaluateBoard(tree, file.path, id, branch));
    } catch (error) {
      unparsed("*", branch, (error as Error).message, file.path);
    }
  }

  for (const name of BRANCH_LEVEL) {
    const reads = [...perBranch].map(([branch, state]) => {
      const binding = state.env.get(name);
      return { branch, read: valueOf(binding), source: binding?.source ?? file.path };
    });
    for (const { branch, read, source } of reads) {
      if ("unknown" in read) unparsed(name, branch, read.unknown, source);
    }
    const known = reads.filter(
      (entry): entry is { branch: string; read: { value: string | null }; source: string } =>
        !("unknown" in entry.read),
    );
    const first = known[0];
    const uniform =
      first !== undefined &&
      known.length === reads.length &&
      known.every(
        (entry) => entry.read.value === first.read.value && entry.source === first.source,
      );
    if (uniform) {
      facts.push({ subject, fact: name, value: first.read.value, source: first.source });
    } else {
      for (const entry of known) {
        facts.push({
          subject,
          fact: branchFact(name, entry.branch),
          value: entry.read.value,
          source: entry.source,
        });
      }
    }
  }

  for (const [branch, state] of perBranch) {
    const overlays = overlaysFor(tree, state);
    if ("unknown" in overlays) unparsed("overlays", branch, overlays.unknown, file.path);
    else facts.push({ subject, fact: branchFact("overlays", branch), ...overlays });
  }
  return facts;
}

/**
 * The overlays a branch's kernel builds for the board. The kernel patch directory is
 * KERNELPATCHDIR, else `archive/<KERNEL_PATCH_ARCHIVE_BASE or LINUXFAMILY>-<KERNEL_MAJOR_MINOR>`
 * (config/sources/common.conf). Its overlay sources are the `overlay-directories` of its
 * 0000.patching_config.yaml whose target is in the kernel tree of the board's ARCH
 * (`arch/arm/` for armhf), else `overlay/`. An overlay is built when that directory's Makefile
 * lists `<stem>.dtbo` and `<stem>.dts` or `<stem>.dtso` exists; the board can load the ones whose
 * stem starts with `<OVERLAY_PREFIX>-`, by the rest of the stem. `value` is `null` when there is
 * no such directory with a Makefile: that kernel's overlays come in patches or from a vendor tree
 * and cannot be read here.
 */
function overlaysFor(
  tree: Tree,
  state: Evaluation,
): { value: string[] | null; source: string } | { unknown: string } {
  const get = (name: string) => state.env.get(name)?.value;
  const names = ["OVERLAY_PREFIX", "KERNELPATCHDIR", "KERNEL_PATCH_ARCHIVE_BASE", "LINUXFAMILY"];
  for (const name of [...names, "KERNEL_MAJOR_MINOR", "ARCH"]) {
    const value = get(name);
    if (isUnknown(value)) return { unknown: `${name}: ${value.unknown}` };
  }
  const prefix = get("OVERLAY_PREFIX") as string | undefined;
  const explicit = get("KERNELPATCHDIR") as string | undefined;
  const base = (get("KERNEL_PATCH_ARCHIVE_BASE") ?? get("LINUXFAMILY")) as string | undefined;
  const version = get("KERNEL_MAJOR_MINOR") as string | undefined;
  const arch = get("ARCH") as string | undefined;
  let dir: string;
  if (explicit !== undefined && explicit !== "") dir = `patch/kernel/${explicit}`;
  else if (base !== undefined && version !== undefined) {
    dir = `patch/kernel/archive/${base}-${version}`;
  } else return { unknown: "neither KERNELPATCHDIR nor LINUXFAMILY and KERNEL_MAJOR_MINOR set" };
  const kernelArch = arch === "armhf" ? "arm" : arch;
  const config = tree.readFile(`${dir}/0000.patching_config.yaml`);
  const subdirs =
    config === null
      ? ["overlay"]
      : [
          ...config.matchAll(
            /^\s*-\s*\{\s*source:\s*"([^"]+)",\s*target:\s*"arch\/([a-z0-9]+)\/[^"]*overlay"\s*\}/gm,
          ),
        ]
          .filter((match) => match[2] === kernelArch)
          .map((match) => match[1] ?? "");
  const stems = new Set<string>();
  const read: string[] = [];
  for (const subdir of subdirs) {
    const makefile = tree.readFile(`${dir}/${subdir}/Makefile`);
    if (makefile === null) continue;
    read.push(`${dir}/${subdir}/Makefile`);
    const sources = new Set(tree.list(`${dir}/${subdir}`) ?? []);
    for (const match of makefile.matchAll(/([A-Za-z0-9][\w@.+-]*)\.dtbo\b/g)) {
      const stem = match[1] ?? "";
      if (sources.has(`${stem}.dts`) || sources.has(`${stem}.dtso`)) stems.add(stem);
    }
  }
  if (read.length === 0) return { value: null, source: `${dir}/` };
  const value =
    prefix === undefined || prefix === ""
      ? []
      : [...stems]
          .filter((stem) => stem.startsWith(`${prefix}-`))
          .map((stem) => stem.slice(prefix.length + 1))
          .sort();
  return { value, source: read.join(" ") };
}

/** `family:<name>`: ARCH and the branches the family's `case $BRANCH` blocks name. */
export function familyFacts(tree: Tree, family: string): Fact[] {
  const path = `config/sources/families/${family}.conf`;
  const state = newEvaluation({});
  evaluateFile(path, state, context(tree));
  const subject = `family:${family}`;
  const arch = valueOf(state.env.get("ARCH"));
  const facts: Fact[] = [
    {
      subject,
      fact: "branches",
      value: [...state.branchPatterns].sort(),
      source: path,
    },
  ];
  if ("unknown" in arch) {
    facts.push({
      subject,
      fact: "unparsed",
      value: { variable: "ARCH", branch: null, reason: arch.unknown },
      source: path,
    });
  } else {
    facts.push({
      subject,
      fact: "ARCH",
      value: arch.value,
      source: state.env.get("ARCH")?.source ?? path,
    });
  }
  return facts;
}

/** The check in config-prepare.sh that makes a release need EXPERT=yes. */
const EXPERT_CHECK =
  /\[\[ "\$\{DISTRIBUTION_STATUS\}" != "supported" \]\] && \[\[ "\$\{EXPERT\}" != "yes" \]\] && exit_with_error/;
const CONFIG_PREPARE = "lib/functions/main/config-prepare.sh";

/** `release:<name>`: support level, whether it needs EXPERT=yes, name and architectures. */
export function releaseFacts(tree: Tree): Fact[] {
  const prepare = tree.readFile(CONFIG_PREPARE);
  if (prepare === null || !EXPERT_CHECK.test(prepare)) {
    throw new Error(
      `${CONFIG_PREPARE}: the DISTRIBUTION_STATUS/EXPERT check was not found; update EXPERT_CHECK`,
    );
  }
  const facts: Fact[] = [];
  for (const release of (tree.list("config/distributions") ?? []).sort()) {
    const dir = `config/distributions/${release}`;
    const support = tree.readFile(`${dir}/support`)?.trim();
    if (support === undefined) continue;
    const subject = `release:${release}`;
    facts.push({ subject, fact: "support", value: support, source: `${dir}/support` });
    facts.push({ subject, fact: "expert", value: support !== "supported", source: CONFIG_PREPARE });
    const name = tree.readFile(`${dir}/name`)?.trim();
    if (name !== undefined)
      facts.push({ subject, fact: "name", value: name, source: `${dir}/name` });
    const architectures = tree.readFile(`${dir}/architectures`)?.trim();
    if (architectures !== undefined) {
      facts.push({
        subject,
        fact: "architectures",
        value: architectures.split(",").map((a) => a.trim()),
        source: `${dir}/architectures`,
      });
    }
  }
  return facts;
}

/** `extensions` / `names`: `extensions/<name>.sh` and `extensions/<name>/<name>.sh`. */
export function extensionFacts(tree: Tree): Fact[] {
  const names = new Set<string>();
  for (const entry of tree.list("extensions") ?? []) {
    if (entry.endsWith(".sh")) names.add(entry.slice(0, -3));
    else if ((tree.list(`extensions/${entry}`) ?? []).includes(`${entry}.sh`)) names.add(entry);
  }
  return [
    { subject: "extensions", fact: "names", value: [...names].sort(), source: "extensions/" },
  ];
}

// ---------------------------------------------------------------------------------------------
// Debian

/** One Debian binary package's contents, as far as the catalogue needs them. */
export interface DebianContents {
  readonly package: string;
  readonly version: string;
  readonly architecture: string;
  readonly release: string;
  /** Files under usr/lib/u-boot/, by target directory. */
  readonly targets: ReadonlyMap<string, readonly string[]>;
}

/** `uboot:<package>:<release>`: targets (all architectures read, and per architecture) and files. */
export function debianFacts(
  contents: readonly DebianContents[],
  filesFor: (pkg: string, target: string) => boolean,
): { debian: DebianPackage[]; facts: Fact[] } {
  const groups = new Map<string, DebianContents[]>();
  for (const entry of contents) {
    const key = `${entry.package}:${entry.release}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const debian: DebianPackage[] = [];
  const facts: Fact[] = [];
  for (const [key, entries] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [first] = entries;
    if (first === undefined) continue;
    const versions = new Set(entries.map((entry) => entry.version));
    if (versions.size !== 1)
      throw new Error(`${key}: several versions read: ${[...versions].join(", ")}`);
    debian.push({ package: first.package, version: first.version, release: first.release });
    const subject = `uboot:${key}`;
    const source = (entry: DebianContents) =>
      `${entry.package}_${entry.version}_${entry.architecture}.deb:usr/lib/u-boot/`;
    const all = new Set<string>();
    for (const entry of [...entries].sort((a, b) => a.architecture.localeCompare(b.architecture))) {
      const targets = [...entry.targets.keys()].sort();
      for (const target of targets) all.add(target);
      facts.push({
        subject,
        fact: `targets@${entry.architecture}`,
        value: targets,
        source: source(entry),
      });
    }
    facts.push({
      subject,
      fact: "targets",
      value: [...all].sort(),
      source: entries.map(source).join(" "),
    });
    for (const entry of entries) {
      for (const [target, files] of [...entry.targets].sort(([a], [b]) => a.localeCompare(b))) {
        if (!filesFor(entry.package, target)) continue;
        facts.push({
          subject,
          fact: `files@${target}`,
          value: [...files].sort(),
          source: `${source(entry)}${target}/`,
        });
      }
    }
  }
  return { debian, facts };
}

/** The Debian u-boot package for a BOARDFAMILY, or `null` when Debian has none for it. */
export function debianPackageFor(family: string): string | null {
  if (family.startsWith("rockchip") || family.startsWith("rk3")) return "u-boot-rockchip";
  if (/^sun\d/.test(family)) return "u-boot-sunxi";
  if (family.startsWith("meson")) return "u-boot-amlogic";
  if (family === "bcm2711") return "u-boot-rpi";
  return null;
}

/**
 * Debian target names that may be the board's, best first: each BOOTCONFIG the board uses (the
 * plain value, then per-branch ones) without `_defconfig`/`_config` (Debian names its targets
 * after the U-Boot defconfigs), then BBOS's own choices in TARGET_OVERRIDES.
 */
export function debianTargetCandidates(facts: readonly Fact[], id: string): string[] {
  const subject = `board:${id}`;
  const configs = facts
    .filter(
      (f) => f.subject === subject && (f.fact === "BOOTCONFIG" || f.fact.startsWith("BOOTCONFIG@")),
    )
    .map((f) => f.value)
    .filter((value): value is string => typeof value === "string");
  const names = configs.map((config) => config.replace(/_(?:def)?config$/, ""));
  return [...new Set([...names, ...(TARGET_OVERRIDES[id] ?? [])])];
}

/**
 * Boards whose Debian target is not named after an Armbian BOOTCONFIG: Armbian boots the
 * Raspberry Pi without U-Boot, the debian recipe uses u-boot-rpi's 64-bit rpi_arm64 build.
 */
const TARGET_OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  rpi4b: ["rpi_arm64"],
};
