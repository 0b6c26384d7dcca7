import { beforeEach, describe, expect, it } from "vitest";

import { boardFacts, familyFacts, releaseFacts, type Fact, type Tree } from "./armbian-facts.ts";
import { clearParseCache, ShellParseError } from "./armbian-shell.ts";

/** A checkout made of a few files written for these tests (imitating Armbian's constructs). */
function tree(files: Record<string, string>): Tree {
  return {
    readFile: (path) => files[path] ?? null,
    list: (path) => {
      const prefix = `${path}/`;
      const names = Object.keys(files)
        .filter((file) => file.startsWith(prefix))
        .map((file) => file.slice(prefix.length).split("/")[0] ?? "");
      return names.length === 0 ? null : [...new Set(names)];
    },
  };
}

const FAMILY_INCLUDE = `
ARCH=arm64
OVERLAY_PREFIX="\${OVERLAY_PREFIX:-"soc"}" # default when the board sets none
case $BRANCH in
	current)
		declare -g KERNEL_MAJOR_MINOR="6.18"
		declare -g LINUXFAMILY=soc64
		;;
	edge | bleedingedge)
		declare -g KERNEL_MAJOR_MINOR="7.1"
		declare -g LINUXFAMILY=soc64
		;;
esac
BOOT_SOC=\${BOOT_SOC:=$(expr "\${BOOTCONFIG}" : '.*\\(rk[[:digit:]]\\+.*\\)_.*' || true)}
case "$BOOT_SOC" in
	rk3399)
		BOOT_SCENARIO="\${BOOT_SCENARIO:=only-blobs}"
		;;
esac
function post_family_config__late_console() {
	if [[ -n $SERIALCON ]]; then
		return 0
	fi
	declare -g SERIALCON="ttyS2"
}
`;

const OVERLAY_MAKEFILE = `dtbo-$(CONFIG_ARCH_SOC) += \\
	soc-uart1.dtbo \\
	soc-i2c0.dtbo \\
	vendor-board-led.dtbo \\
	soc-not-there.dtbo
`;

function checkout(board: string): Tree {
  return tree({
    "config/boards/one.conf": board,
    "config/sources/families/fam.conf": `source "\${BASH_SOURCE%/*}/include/fam_common.inc"\n`,
    "config/sources/families/include/fam_common.inc": FAMILY_INCLUDE,
    "patch/kernel/archive/soc64-6.18/overlay/Makefile": OVERLAY_MAKEFILE,
    "patch/kernel/archive/soc64-6.18/overlay/soc-uart1.dts": "",
    "patch/kernel/archive/soc64-6.18/overlay/soc-i2c0.dtso": "",
    "patch/kernel/archive/soc64-6.18/overlay/vendor-board-led.dts": "",
    "patch/kernel/archive/soc64-7.1/overlay/Makefile": "dtbo-y += soc-uart1.dtbo\n",
    "patch/kernel/archive/soc64-7.1/overlay/soc-uart1.dts": "",
  });
}

const BOARD = `# A board
BOARD_NAME="Board One"
BOARD_VENDOR="acme"
BOARDFAMILY="fam"
BOOTCONFIG="one-rk3399_defconfig"
KERNEL_TARGET="current,edge"
BOOT_FDT_FILE="rockchip/rk3399-one.dtb"
`;

function valueOf(facts: readonly Fact[], fact: string): unknown {
  return facts.find((entry) => entry.fact === fact)?.value;
}

beforeEach(() => clearParseCache());

describe("boardFacts", () => {
  it("reads plain assignments, the file's support level and the KERNEL_TARGET list", () => {
    const facts = boardFacts(checkout(BOARD), "one");
    expect(facts).toContainEqual({
      subject: "board:one",
      fact: "support",
      value: "conf",
      source: "config/boards/one.conf",
    });
    expect(facts).toContainEqual({
      subject: "board:one",
      fact: "KERNEL_TARGET",
      value: ["current", "edge"],
      source: "config/boards/one.conf",
    });
    expect(valueOf(facts, "BOARD_NAME")).toBe("Board One");
    expect(valueOf(facts, "IMAGE_PARTITION_TABLE")).toBeNull();
    expect(facts.filter((fact) => fact.fact === "unparsed")).toEqual([]);
  });

  it("follows `source`, `${V:-default}`, `case $BRANCH` and the expr-derived BOOT_SOC", () => {
    const facts = boardFacts(checkout(BOARD), "one");
    expect(facts).toContainEqual({
      subject: "board:one",
      fact: "OVERLAY_PREFIX",
      value: "soc",
      source: "config/sources/families/include/fam_common.inc",
    });
    expect(valueOf(facts, "KERNEL_MAJOR_MINOR@current")).toBe("6.18");
    expect(valueOf(facts, "KERNEL_MAJOR_MINOR@edge")).toBe("7.1");
    expect(valueOf(facts, "BOOT_SOC")).toBe("rk3399");
    expect(valueOf(facts, "BOOT_SCENARIO")).toBe("only-blobs");
  });

  it("lists the overlays each branch's Makefile builds for the board's prefix", () => {
    const facts = boardFacts(checkout(BOARD), "one");
    // soc-not-there.dtbo has no source; vendor-board-led is another prefix's.
    expect(valueOf(facts, "overlays@current")).toEqual(["i2c0", "uart1"]);
    expect(valueOf(facts, "overlays@edge")).toEqual(["uart1"]);
  });

  it("restricts the overlays to an OVERLAY_PREFIX the board sets itself", () => {
    const facts = boardFacts(checkout(`${BOARD}OVERLAY_PREFIX="vendor-board"\n`), "one");
    expect(valueOf(facts, "OVERLAY_PREFIX")).toBe("vendor-board");
    expect(valueOf(facts, "overlays@current")).toEqual(["led"]);
    expect(valueOf(facts, "overlays@edge")).toEqual([]);
  });

  it("records a value a branch hook sets per branch", () => {
    const board = `${BOARD}BOOT_SCENARIO="spl-blobs"
function post_family_config_branch_edge__one_mainline() {
	BOOT_SCENARIO="tpl-blob-atf-mainline"
	prepare_boot_configuration
}
`;
    const facts = boardFacts(checkout(board), "one");
    expect(valueOf(facts, "BOOT_SCENARIO")).toBeUndefined();
    expect(valueOf(facts, "BOOT_SCENARIO@current")).toBe("spl-blobs");
    expect(valueOf(facts, "BOOT_SCENARIO@edge")).toBe("tpl-blob-atf-mainline");
  });

  it("records what it cannot decide as unparsed instead of guessing", () => {
    const board = `${BOARD}if [[ "$ROOTFS_TYPE" =~ f2fs|xfs ]]; then
	IMAGE_PARTITION_TABLE="gpt"
fi
[[ -f /etc/x ]] && BOOT_FDT_FILE="other.dtb"
`;
    const facts = boardFacts(checkout(board), "one");
    const unparsed = facts.filter((fact) => fact.fact === "unparsed").map((fact) => fact.value);
    expect(unparsed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ variable: "IMAGE_PARTITION_TABLE", branch: "current" }),
        expect.objectContaining({ variable: "BOOT_FDT_FILE", branch: "edge" }),
      ]),
    );
    expect(valueOf(facts, "IMAGE_PARTITION_TABLE")).toBeUndefined();
  });

  it("keeps a value every outcome of an undecidable test agrees on", () => {
    const board = `${BOARD}if [[ -n $SOMETHING_UNKNOWN ]]; then
	IMAGE_PARTITION_TABLE="gpt"
else
	IMAGE_PARTITION_TABLE="gpt"
fi
`;
    expect(valueOf(boardFacts(checkout(board), "one"), "IMAGE_PARTITION_TABLE")).toBe("gpt");
  });

  it("decides tests on BOARD and BRANCH", () => {
    const board = `${BOARD}if [[ $BOARD == one ]]; then
	OVERLAY_PREFIX="vendor-board"
fi
`;
    expect(valueOf(boardFacts(checkout(board), "one"), "OVERLAY_PREFIX")).toBe("vendor-board");
  });

  it("reports a file it cannot split into statements", () => {
    const facts = boardFacts(checkout(`${BOARD}case $BRANCH in\n\tcurrent)\n`), "one");
    const unparsed = facts.find((fact) => fact.fact === "unparsed")?.value as
      { variable: string; reason: string } | undefined;
    expect(unparsed?.variable).toBe("*");
    expect(unparsed?.reason).toContain("never closed");
    expect(() => new ShellParseError("x")).not.toThrow();
  });
});

describe("familyFacts", () => {
  it("reads ARCH and the branches the family's case blocks name", () => {
    const facts = familyFacts(checkout(BOARD), "fam");
    expect(valueOf(facts, "ARCH")).toBe("arm64");
    expect(valueOf(facts, "branches")).toEqual(["bleedingedge", "current", "edge"]);
  });
});

describe("releaseFacts", () => {
  const prepare = `[[ "\${DISTRIBUTION_STATUS}" != "supported" ]] && [[ "\${EXPERT}" != "yes" ]] && exit_with_error "x"`;

  it("reads the support level and derives EXPERT from it", () => {
    const facts = releaseFacts(
      tree({
        "lib/functions/main/config-prepare.sh": prepare,
        "config/distributions/aaa/support": "supported\n",
        "config/distributions/bbb/support": "csc\n",
      }),
    );
    expect(facts).toContainEqual({
      subject: "release:bbb",
      fact: "expert",
      value: true,
      source: "lib/functions/main/config-prepare.sh",
    });
    expect(facts).toContainEqual(
      expect.objectContaining({ subject: "release:aaa", fact: "expert", value: false }),
    );
  });

  it("refuses to guess when the EXPERT check is not where it was", () => {
    expect(() => releaseFacts(tree({ "config/distributions/aaa/support": "supported" }))).toThrow(
      /EXPERT/,
    );
  });
});
