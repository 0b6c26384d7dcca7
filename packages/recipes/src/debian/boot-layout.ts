// How a board boots a Debian image: the boot path, the partition table, where the root partition
// starts, the serial console, and which boot-loader files go where on the disk.
import { boardCatalogue, type CatalogueBoard } from "@bbos/schemas";

/** A boot-loader file, from the extracted boot-loader package, and its byte offset on the disk. */
export interface BootloaderWrite {
  file: string;
  offsetBytes: number;
}

/** Everything the image stage needs to know about booting one board. */
export interface BootLayout {
  /** `extlinux`: U-Boot's distro boot reads /boot/extlinux/extlinux.conf; `grub-efi`: GRUB on an ESP. */
  boot: "extlinux" | "grub-efi";
  table: "gpt" | "dos";
  rootStartMiB: number;
  /** Kernel `console=` values, the last one being /dev/console. */
  consoles: string[];
  /** Debian packages (of the board's architecture) that hold the boot loader. */
  packages: string[];
  writes: BootloaderWrite[];
  /** Why Debian alone cannot boot this board, or null. */
  unsupported: string | null;
}

/** The serial console of the boards whose boot loader comes from each Debian package. */
const CONSOLES: Record<string, string[]> = {
  "u-boot-rockchip": ["ttyS2,1500000"],
  "u-boot-sunxi": ["ttyS0,115200"],
};

/**
 * The boot layout of `board` for `release`: the QEMU machines' own, or the catalogue's boot
 * loader for the board (its Debian package and target) with its SoC family's layout.
 */
export function bootLayout(board: CatalogueBoard, release: string): BootLayout {
  const none = { packages: [], writes: [], unsupported: null };
  if (board.id === "qemu-amd64") {
    return {
      ...none,
      boot: "grub-efi",
      table: "gpt",
      rootStartMiB: 64,
      consoles: ["ttyS0,115200"],
    };
  }
  if (board.id === "qemu-arm64") {
    return {
      ...none,
      boot: "extlinux",
      table: "gpt",
      rootStartMiB: 16,
      consoles: ["ttyAMA0,115200"],
    };
  }
  const table = board.partitionTable === "gpt" ? "gpt" : "dos";
  const unsupported = (reason: string): BootLayout => ({
    ...none,
    boot: "extlinux",
    table,
    rootStartMiB: 16,
    consoles: [],
    unsupported: reason,
  });
  const loader = board.bootloader;
  if (!loader) return unsupported(`Debian ships no boot loader for ${board.name}`);
  if (!loader.buildable)
    return unsupported(loader.reason ?? `${loader.package} cannot boot ${board.name} alone`);
  if (loader.releases && !loader.releases.includes(release)) {
    return unsupported(
      `Debian ${release}'s ${loader.package} has no ${loader.target} target (it ships in ${loader.releases.join(", ")})`,
    );
  }
  const layout = boardCatalogue.families[board.family]?.bootloaderLayout;
  if (!layout)
    return unsupported(`the catalogue records no boot-loader layout for ${board.family}`);
  if (!layout.partitionTables.includes(board.partitionTable)) {
    return unsupported(
      `${board.family} boots from ${layout.partitionTables.join(" or ")}, not ${board.partitionTable}`,
    );
  }
  return {
    ...none,
    boot: "extlinux",
    table,
    rootStartMiB: Math.ceil(layout.firstPartitionOffsetBytes / (1024 * 1024)),
    consoles: CONSOLES[loader.package] ?? [],
    packages: [loader.package],
    writes: layout.writes.map((write) => ({
      file: `usr/lib/u-boot/${loader.target}/${write.file}`,
      offsetBytes: write.offsetBytes,
    })),
  };
}
