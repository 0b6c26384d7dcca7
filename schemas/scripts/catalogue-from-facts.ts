// Builds board-catalogue.json from armbian-facts.json (the generation half of
// refresh-catalogue-facts.ts). The facts decide every field they cover; the previous catalogue
// supplies only what no fact covers: family display names, each board's SoC, the dtb of boards
// whose files set no BOOT_FDT_FILE (read from the U-Boot defconfig), the board order and the
// virtual qemu-* boards and families.
import type {
  BoardCatalogue,
  CatalogueBoard,
  CatalogueFamily,
} from "../generated/board-catalogue.ts";
import {
  debianPackageFor,
  debianTargetCandidates,
  type Fact,
  type FactsFile,
} from "./armbian-facts.ts";

type Layout = NonNullable<CatalogueFamily["bootloaderLayout"]>;

/**
 * Where Debian's boot loaders go, measured from the bookworm 2023.01+dfsg-2+deb12u3 packages'
 * install scripts (u-boot-install-rockchip, u-boot-install-sunxi64, u-boot-install-sunxi).
 */
const LAYOUTS: Readonly<Record<string, Layout>> = {
  rockchip: {
    writes: [
      { file: "idbloader.img", offsetBytes: 64 * 512 },
      { file: "u-boot.itb", offsetBytes: 16384 * 512 },
    ],
    firstPartitionOffsetBytes: 16 * 1024 * 1024,
    partitionTables: ["gpt", "msdos"],
  },
  sunxi64: {
    writes: [
      { file: "sunxi-spl.bin", offsetBytes: 8 * 1024 },
      { file: "u-boot-sunxi-with-spl.fit.itb", offsetBytes: 40 * 1024 },
    ],
    firstPartitionOffsetBytes: 1024 * 1024,
    // A GPT's partition entries (sectors 2-33) overlap the SPL at 8 KiB.
    partitionTables: ["msdos"],
  },
  sunxi32: {
    writes: [{ file: "u-boot-sunxi-with-spl.bin", offsetBytes: 8 * 1024 }],
    firstPartitionOffsetBytes: 1024 * 1024,
    partitionTables: ["msdos"],
  },
};

/** Why a family's Debian boot loader cannot be written on its own. */
const UNBUILDABLE: Readonly<Record<string, string>> = {
  "u-boot-amlogic":
    "Debian's u-boot-amlogic ships only U-Boot proper (bl33, u-boot.bin); a bootable image " +
    "also needs Amlogic's signed firmware (FIP) packed by proprietary tools, which Debian does not ship.",
};

/** Armbian releases with support level csc that BBOS offers (with EXPERT=yes) besides `supported`. */
const OFFERED_CSC_RELEASES: readonly string[] = ["bookworm", "jammy"];

function layoutFor(family: string, architecture: string): Layout | null {
  const pkg = debianPackageFor(family);
  if (pkg === "u-boot-rockchip") return LAYOUTS["rockchip"] ?? null;
  if (pkg === "u-boot-sunxi") {
    return (architecture === "arm64" ? LAYOUTS["sunxi64"] : LAYOUTS["sunxi32"]) ?? null;
  }
  return null;
}

/** Fact lookups over the facts file. */
class FactIndex {
  private readonly byKey = new Map<string, Fact>();
  constructor(readonly file: FactsFile) {
    for (const fact of file.facts) this.byKey.set(`${fact.subject}\u0000${fact.fact}`, fact);
  }
  get(subject: string, fact: string): Fact | undefined {
    return this.byKey.get(`${subject}\u0000${fact}`);
  }
  /** A per-branch fact (`NAME@branch`), else the plain one. */
  branch(subject: string, fact: string, branch: string): Fact | undefined {
    return this.get(subject, `${fact}@${branch}`) ?? this.get(subject, fact);
  }
  value<T>(subject: string, fact: string): T {
    const found = this.get(subject, fact);
    if (found === undefined) throw new Error(`armbian-facts.json has no ${fact} for ${subject}`);
    return found.value as T;
  }
  unparsed(subject: string): Fact[] {
    return this.file.facts.filter((f) => f.subject === subject && f.fact === "unparsed");
  }
}

const SUPPORT_TIERS: Readonly<Record<string, CatalogueBoard["supportTier"]>> = {
  conf: "standard",
  csc: "community",
};

/** The catalogue for `facts`, with what no fact covers taken from `previous`. */
export function catalogueFromFacts(facts: FactsFile, previous: BoardCatalogue): BoardCatalogue {
  const index = new FactIndex(facts);
  const debianReleases = [...new Set(facts.debian.map((p) => p.release))];
  const ref = (release: string) =>
    facts.debian
      .filter((p) => p.release === release)
      .map((p) => `${p.package} ${p.version}`)
      .join(", ");

  const boards: CatalogueBoard[] = previous.boards.map((old) => {
    if (old.supportTier === "virtual") {
      // No Armbian facts: overlays and boot scenarios do not apply to the QEMU machines.
      const none = Object.fromEntries(old.branches.map((branch) => [branch, null]));
      return { ...old, bootScenarios: none, overlayPrefix: null, overlaysByBranch: none };
    }
    const subject = `board:${old.id}`;
    const unparsed = index.unparsed(subject);
    if (unparsed.length > 0) {
      throw new Error(`${subject} has unparsed facts: ${JSON.stringify(unparsed)}`);
    }
    const branches = index.value<string[]>(subject, "KERNEL_TARGET");
    const family = index.value<string>(subject, "BOARDFAMILY");
    const architecture = index.value<string>(`family:${family}`, "ARCH");
    const perBranch = <T>(fact: string): Record<string, T> =>
      Object.fromEntries(
        branches.map((branch) => [branch, index.branch(subject, fact, branch)?.value as T]),
      );
    const scenarios = perBranch<string | null>("BOOT_SCENARIO");
    const prefixes = new Set(Object.values(perBranch<string | null>("OVERLAY_PREFIX")));
    if (prefixes.size !== 1) throw new Error(`${subject}: OVERLAY_PREFIX differs between branches`);
    const dtb = index.get(subject, "BOOT_FDT_FILE")?.value as string | null | undefined;
    const table = index.get(subject, "IMAGE_PARTITION_TABLE")?.value as string | null | undefined;
    const bootloader = bootloaderFor(index, old.id, family, debianReleases);
    const support = index.value<string>(subject, "support");
    const tier = SUPPORT_TIERS[support];
    if (tier === undefined) throw new Error(`${subject}: support level ${support} has no tier`);
    return {
      id: old.id,
      name: index.value<string>(subject, "BOARD_NAME"),
      vendor: index.value<string>(subject, "BOARD_VENDOR"),
      family,
      soc: old.soc,
      architecture: architecture as CatalogueBoard["architecture"],
      branches,
      dtb: dtb ?? old.dtb,
      bootScenario: scenarios[branches[0] ?? ""] ?? null,
      bootScenarios: scenarios,
      partitionTable: (table ?? "msdos") as CatalogueBoard["partitionTable"],
      overlayPrefix: [...prefixes][0] ?? null,
      overlaysByBranch: perBranch<string[] | null>("overlays"),
      bootloader,
      recipes: bootloader?.buildable === true ? ["debian", "armbian"] : ["armbian"],
      supportTier: tier,
    };
  });

  const families: Record<string, CatalogueFamily> = {};
  for (const [id, old] of Object.entries(previous.families)) {
    if (!facts.facts.some((f) => f.subject === `family:${id}`)) {
      families[id] = { ...old, bootloaderLayout: null };
      continue;
    }
    const members = boards.filter((board) => board.family === id);
    const architecture = index.value<CatalogueFamily["architecture"]>(`family:${id}`, "ARCH");
    families[id] = {
      name: old.name,
      architecture,
      branches: inOldOrder(index.value<string[]>(`family:${id}`, "branches"), old.branches),
      overlays: commonOverlays(members),
      bootloaderLayout: layoutFor(id, architecture),
    };
  }

  const releaseFacts = facts.facts.filter((f) => f.subject.startsWith("release:"));
  const level = (release: string) => index.get(`release:${release}`, "support")?.value as string;
  const known = [...new Set(releaseFacts.map((f) => f.subject.slice("release:".length)))];
  const armbian = [
    ...previous.releases.armbian.filter(
      (r) => level(r) === "supported" || OFFERED_CSC_RELEASES.includes(r),
    ),
    ...known.filter((r) => level(r) === "supported" && !previous.releases.armbian.includes(r)),
  ];
  const releaseSupport: BoardCatalogue["releaseSupport"] = { armbian: {} };
  for (const release of known) {
    releaseSupport.armbian[release] = {
      support: level(release),
      expert: index.value<boolean>(`release:${release}`, "expert"),
    };
  }

  return {
    version: 1,
    sources: [
      {
        name: "armbian/build",
        ref: facts.revision,
        paths:
          "config/boards/<id>.*, config/sources/families/, patch/kernel/archive/*/overlay/Makefile, " +
          "config/distributions/*/support, lib/functions/main/config-prepare.sh, extensions/",
      },
      ...debianReleases.map((release) => ({
        name: `Debian ${release} u-boot packages`,
        ref: ref(release),
        paths: "usr/lib/u-boot/<target>/",
      })),
      { name: "BBOS facts file", ref: "schemas/armbian-facts.json", paths: "facts[]" },
    ],
    releases: { debian: debianReleases, armbian },
    releaseSupport,
    families,
    boards,
  };
}

/** `values` in the order of `old` where both hold the same names (keeps diffs small). */
function inOldOrder(values: readonly string[], old: readonly string[]): string[] {
  const same = values.length === old.length && values.every((value) => old.includes(value));
  return same ? [...old] : [...values];
}

/** Overlay names every board of the family can load on every branch whose list is known. */
function commonOverlays(members: readonly CatalogueBoard[]): string[] {
  const lists = members.flatMap((board) =>
    Object.values(board.overlaysByBranch ?? {}).filter((list): list is string[] => list !== null),
  );
  const [first, ...rest] = lists;
  if (first === undefined) return [];
  return first.filter((name) => rest.every((list) => list.includes(name)));
}

function bootloaderFor(
  index: FactIndex,
  id: string,
  family: string,
  releases: readonly string[],
): CatalogueBoard["bootloader"] {
  const pkg = debianPackageFor(family);
  if (pkg === null) return null;
  const targetsIn = (release: string) =>
    (index.get(`uboot:${pkg}:${release}`, "targets")?.value as string[] | undefined) ?? [];
  const target = debianTargetCandidates(index.file.facts, id).find((candidate) =>
    releases.some((release) => targetsIn(release).includes(candidate)),
  );
  if (target === undefined) return null;
  const shipped = releases.filter((release) => targetsIn(release).includes(target));
  const reason = UNBUILDABLE[pkg];
  return {
    package: pkg,
    target,
    ...(shipped.length < releases.length ? { releases: shipped } : {}),
    buildable: reason === undefined,
    ...(reason === undefined ? {} : { reason }),
  };
}
