// The `debian` recipe: a bootable disk image from Debian's own packages (kernel, firmware, boot
// loader) for the boards of the catalogue that Debian can boot. Pure: it plans container steps
// (scripts.ts) and the files they read; the worker runs them.
import { createHash } from "node:crypto";

import type { Recipe, RecipeFile, RecipePlan, RecipeStage } from "@bbos/core/build";
import { boardCatalogue, type BoardConfigV2, type CatalogueBoard } from "@bbos/schemas";

import { bootLayout, type BootLayout } from "./boot-layout.ts";
import { imageSettings, keyboardDefaults } from "./image-files.ts";
import {
  assembleScript,
  configureScript,
  customizeRootfsScript,
  downloadScript,
  rootfsScript,
} from "./scripts.ts";
import { firstBootFiles } from "./first-boot.ts";
import { projectFileList } from "../project-files.ts";

const stages: RecipeStage[] = [
  { id: "download", title: "Resolving and downloading packages", weight: 4 },
  { id: "rootfs", title: "Installing the root filesystem", weight: 70 },
  { id: "configure", title: "Applying the configuration", weight: 4 },
  { id: "image", title: "Assembling the disk image", weight: 8 },
];

/** Debian's kernel package per architecture. */
const KERNEL_PACKAGES: Record<string, string> = {
  amd64: "linux-image-amd64",
  arm64: "linux-image-arm64",
  armhf: "linux-image-armmp",
};

/** What every image has: a systemd system that boots, logs in and joins the network. */
const BASE_PACKAGES = [
  "dbus",
  "e2fsprogs",
  "fdisk",
  "initramfs-tools",
  "iproute2",
  "kmod",
  "libpam-systemd",
  "login",
  "passwd",
  "sudo",
  "systemd",
  "systemd-resolved",
  "systemd-sysv",
  "tzdata",
  "udev",
  "zstd",
];

/** Added for the `server` variant: what a command-line system is usually expected to have. */
const SERVER_PACKAGES = [
  "bash-completion",
  "ca-certificates",
  "iputils-ping",
  "less",
  "nano",
  "netbase",
];

/**
 * What makes a keyboard layout apply on the console: keyboard-configuration keeps the layout
 * (/etc/default/keyboard, debconf), console-setup compiles it into a keymap and loads it at boot.
 */
const KEYBOARD_PACKAGES = ["console-setup", "keyboard-configuration"];

/**
 * The initramfs's modules (initramfs-tools `MODULES=list`): what finds the root file system on
 * the machines of each architecture. A list instead of `most` keeps the initramfs small and fast
 * to make, which matters most under emulation.
 */
const INITRAMFS_MODULES: Record<string, string[]> = {
  amd64: ["ahci", "ext4", "nvme", "sd_mod", "virtio_blk", "virtio_pci", "virtio_scsi"],
  arm64: [
    "dw_mmc_rockchip",
    "ext4",
    "mmc_block",
    "nvme",
    "sdhci_of_arasan",
    "sdhci_of_dwcmshc",
    "sunxi_mmc",
    "virtio_blk",
    "virtio_mmio",
    "virtio_pci",
    "virtio_scsi",
  ],
  armhf: ["ext4", "mmc_block", "sunxi_mmc", "virtio_blk", "virtio_mmio", "virtio_pci"],
};

/** The archive components of the image's sources. */
const APT_COMPONENTS = "main non-free-firmware";

const MIB = 1024 * 1024;

/** The `debian` recipe. */
export const debianRecipe: Recipe = {
  id: "debian",
  // 2: the package set names the boot loader's packages too, and a version's later builds
  // install the set its first build recorded.
  version: "2",
  title: "Debian (mmdebstrap, Debian's kernel and boot loader)",
  stages,
  supports(config) {
    const reason = unsupportedReason(config as unknown as BoardConfigV2);
    return reason === null ? { ok: true } : { ok: false, reason };
  },
  plan({
    config: json,
    contentHash,
    sourceDateEpoch,
    debianMirror,
    debianSecurityMirror,
    recordedPackageSet,
  }): RecipePlan {
    const config = json as unknown as BoardConfigV2;
    const board = findBoard(config.board);
    const layout = bootLayout(board, config.os.release);
    const architecture = board.architecture;
    const mirror = config.build?.options?.mirror ?? debianMirror;
    const release = config.os.release;
    const ids = imageIds(contentHash);
    const sizeMiB = imageSizeMiB(config);
    const packages = packageSet(config, architecture);
    const locale = config.system.locale ?? "en_US.UTF-8";
    const keyboard = keyboardLayout(config);
    const remove = [...(config.packages?.remove ?? [])].sort();
    const sources = aptSources(mirror, debianSecurityMirror, release);
    const modules = INITRAMFS_MODULES[architecture] ?? [];
    const settings = imageSettings(config, ids.rootUuid);
    const name = `bbos-${board.id}-${release}`;

    const files: RecipeFile[] = [
      { path: "packages", content: lines(packages) },
      { path: "remove", content: lines(remove) },
      { path: "locale", content: `${locale}\n` },
      { path: "keyboard", content: keyboardDefaults(keyboard) },
      { path: "sources.list", content: sources },
      { path: "initramfs-modules", content: lines(modules) },
      { path: "customize-rootfs.sh", content: customizeRootfsScript },
      ...firstBootFiles,
      {
        // Everything the rootfs stage makes its tree from, besides the .deb files: its key.
        path: "rootfs-settings",
        content: lines([
          `recipe ${debianRecipe.id} ${debianRecipe.version}`,
          `architecture ${architecture}`,
          `release ${release}`,
          `locale ${locale}`,
          `keyboard ${keyboard}`,
          `remove ${remove.join(" ")}`,
          `modules ${modules.join(" ")}`,
          `sources ${sources.trim().replaceAll("\n", " | ")}`,
          `scripts ${sha256([rootfsScript, customizeRootfsScript, ...firstBootFiles.map((f) => f.content)].join("\n"))}`,
        ]),
      },
      { path: "boot-packages", content: lines(layout.packages) },
      ...(recordedPackageSet ? [{ path: "package-set.sha256", content: recordedPackageSet }] : []),
      { path: "users", content: settings.users },
      { path: "passwords", content: settings.passwords },
      ...settings.files.map((entry) => ({ path: `root${entry.path}`, content: entry.content })),
      {
        path: "attributes",
        content: [...settings.directories, ...settings.files]
          .map((entry) => `${entry.mode}\t${entry.owner}\t${entry.path}\n`)
          .join(""),
      },
      {
        path: "links",
        content: settings.links.map(([path, target]) => `${path}\t${target}\n`).join(""),
      },
      { path: "project-files.list", content: projectFileList(config) },
      { path: "cmdline", content: `${kernelCommandLine(config, layout, ids.rootUuid)}\n` },
      { path: "partitions", content: partitionTable(layout, ids, sizeMiB) },
      {
        path: "bootloader-writes",
        content: layout.writes.map((write) => `${write.offsetBytes} ${write.file}\n`).join(""),
      },
      {
        path: "grub-early.cfg",
        content: `search --no-floppy --fs-uuid --set=root ${ids.rootUuid}\nset prefix=($root)/boot/grub\nconfigfile $prefix/grub.cfg\n`,
      },
    ];
    const env = {
      ARCH: architecture,
      RELEASE: release,
      MIRROR: mirror,
      SOURCE_DATE_EPOCH: String(sourceDateEpoch),
    };
    return {
      files,
      steps: [
        {
          stage: "download",
          script: downloadScript,
          env,
          network: "host",
          capabilities: [],
          cache: true,
        },
        // mmdebstrap's unshare mode needs to make namespaces: SYS_ADMIN, and nothing more.
        {
          stage: "rootfs",
          script: rootfsScript,
          env,
          network: "none",
          capabilities: ["SYS_ADMIN"],
          cache: true,
        },
        {
          stage: "configure",
          script: configureScript,
          env,
          network: "none",
          capabilities: [],
          cache: false,
        },
        {
          stage: "image",
          script: assembleScript,
          env: {
            ...env,
            BOOT: layout.boot,
            DTB: board.dtb ?? "",
            IMAGE_MIB: String(sizeMiB),
            ROOT_START_MIB: String(layout.rootStartMiB),
            ROOT_UUID: ids.rootUuid,
            ESP_SERIAL: ids.espSerial,
          },
          network: "none",
          capabilities: [],
          cache: false,
        },
      ],
      image: { path: "disk.img", name: `${name}.img`, contentType: "application/octet-stream" },
      manifest: {
        path: "packages.manifest",
        name: `${name}.packages.txt`,
        contentType: "text/plain; charset=utf-8",
      },
      packageSet: {
        path: "package-set.sha256",
        name: `${name}.packages.sha256`,
        contentType: "text/plain; charset=utf-8",
      },
    };
  },
};

function unsupportedReason(config: BoardConfigV2): string | null {
  const board = boardCatalogue.boards.find((entry) => entry.id === config.board);
  if (!board) return `the board "${config.board}" is not in the catalogue`;
  if (!board.recipes.includes("debian")) {
    return `${board.name} is not built by the debian recipe (the catalogue lists: ${board.recipes.join(", ")})`;
  }
  if (!boardCatalogue.releases.debian.includes(config.os.release)) {
    return `the debian recipe builds ${boardCatalogue.releases.debian.join(" and ")}, not ${config.os.release}`;
  }
  if (config.os.branch !== "current") {
    return `the debian recipe installs Debian's own kernel (branch "current"), not the ${config.os.branch} branch`;
  }
  if (!(board.architecture in KERNEL_PACKAGES)) {
    return `the debian recipe does not build ${board.architecture} images`;
  }
  if (config.os.variant === "desktop") {
    return "the debian recipe builds minimal and server images; desktop images are not supported yet";
  }
  if ((config.image?.rootfs ?? "ext4") !== "ext4") {
    return `the debian recipe makes ext4 root file systems, not ${config.image?.rootfs}`;
  }
  if ((config.kernel?.overlays ?? []).length > 0) {
    return "Debian's kernel ships no Armbian device-tree overlays; choose the armbian recipe for kernel.overlays";
  }
  const layout = bootLayout(board, config.os.release);
  return layout.unsupported;
}

function findBoard(id: string): CatalogueBoard {
  const board = boardCatalogue.boards.find((entry) => entry.id === id);
  if (!board) throw new Error(`the board "${id}" is not in the catalogue`);
  return board;
}

/** The image's packages, sorted: the base system, the variant's, the config's own. */
function packageSet(config: BoardConfigV2, architecture: string): string[] {
  const packages = new Set([...BASE_PACKAGES, KERNEL_PACKAGES[architecture] ?? ""]);
  if (config.os.variant === "server") SERVER_PACKAGES.forEach((name) => packages.add(name));
  if (config.system.ssh?.enabled ?? true) packages.add("openssh-server");
  if ((config.system.locale ?? "en_US.UTF-8") !== "C.UTF-8") packages.add("locales");
  // The kernel's console keymap is US already; any other layout needs console-setup to apply it.
  if (keyboardLayout(config) !== "us") KEYBOARD_PACKAGES.forEach((name) => packages.add(name));
  if (config.network?.wifi) packages.add("wpasupplicant");
  for (const name of config.packages?.install ?? []) packages.add(name);
  for (const name of config.packages?.remove ?? []) packages.delete(name);
  packages.delete("");
  return [...packages].sort();
}

/**
 * The image's apt sources, also what the download step resolves the package set from: the
 * release and its stable updates from the mirror, its security updates from the security
 * archive (ordinary mirrors do not carry it, so a config's own mirror does not replace it). Every
 * release the recipe builds (the catalogue's Debian releases, stable ones) has a `-security`
 * suite. Besides `main`, the `non-free-firmware` component, as Debian's installer sets up since
 * bookworm: the firmware boards need for Wi-Fi, Bluetooth or GPUs (`firmware-brcm80211`,
 * `firmware-realtek`, …) can be listed among the config's packages.
 */
function aptSources(mirror: string, securityMirror: string, release: string): string {
  return lines(
    [
      `${mirror} ${release}`,
      `${mirror} ${release}-updates`,
      `${securityMirror} ${release}-security`,
    ].map((suite) => `deb ${suite} ${APT_COMPONENTS}`),
  );
}

function keyboardLayout(config: BoardConfigV2): string {
  return config.system.keyboard ?? "us";
}

function imageSizeMiB(config: BoardConfigV2): number {
  const size = config.image?.size ?? { value: 2, unit: "GiB" };
  return size.unit === "GiB" ? size.value * 1024 : size.value;
}

function kernelCommandLine(config: BoardConfigV2, layout: BootLayout, rootUuid: string): string {
  const extra = config.kernel?.cmdline?.trim() ?? "";
  return [
    `root=UUID=${rootUuid}`,
    "ro",
    "rootwait",
    ...layout.consoles.map((c) => `console=${c}`),
    extra,
  ]
    .filter(Boolean)
    .join(" ");
}

interface ImageIds {
  rootUuid: string;
  diskGuid: string;
  espUuid: string;
  rootPartUuid: string;
  /** MBR disk id, `0x` and 8 hex digits. */
  dosDiskId: string;
  /** FAT volume serial, 8 hex digits. */
  espSerial: string;
}

/** UUIDs and serials derived from the config's hash: the same config, the same ids. */
function imageIds(contentHash: string): ImageIds {
  const uuid = (purpose: string) => {
    const hex = sha256(`${purpose}:${contentHash}`);
    // RFC 9562 version 8 (custom), variant 10.
    const variant = ((parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  return {
    rootUuid: uuid("rootfs"),
    diskGuid: uuid("disk"),
    espUuid: uuid("esp-partition"),
    rootPartUuid: uuid("root-partition"),
    dosDiskId: `0x${sha256(`mbr:${contentHash}`).slice(0, 8)}`,
    espSerial: sha256(`esp-serial:${contentHash}`).slice(0, 8),
  };
}

/** The sfdisk script of the image: GPT or MBR as the board needs, root last and to the end. */
function partitionTable(layout: BootLayout, ids: ImageIds, sizeMiB: number): string {
  const sectors = (mib: number) => (mib * MIB) / 512;
  const rootSize = sectors(sizeMiB - layout.rootStartMiB - 1);
  if (layout.table === "gpt") {
    const esp =
      layout.boot === "grub-efi"
        ? [
            `start=${sectors(1)}, size=${sectors(layout.rootStartMiB - 1)}, type=U, uuid=${ids.espUuid}, name="ESP"`,
          ]
        : [];
    return lines([
      "label: gpt",
      `label-id: ${ids.diskGuid}`,
      "unit: sectors",
      ...esp,
      `start=${sectors(layout.rootStartMiB)}, size=${rootSize}, type=L, uuid=${ids.rootPartUuid}, name="rootfs"${layout.boot === "extlinux" ? ', attrs="LegacyBIOSBootable"' : ""}`,
    ]);
  }
  return lines([
    "label: dos",
    `label-id: ${ids.dosDiskId}`,
    "unit: sectors",
    `start=${sectors(layout.rootStartMiB)}, size=${rootSize}, type=83, bootable`,
  ]);
}

function lines(values: readonly string[]): string {
  return values.map((value) => `${value}\n`).join("");
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
