// What compile.sh is told: the image's definition as userpatches/config-bbos.conf (a bash file
// Armbian sources when the `bbos` config name is on the command line; armbian/build:
// lib/functions/cli/utils-cli.sh) and the command line itself as a data file, one argument a line.
import { boardCatalogue, type BoardConfigV2 } from "@bbos/schemas";

import { shellQuote } from "./shell-quote.ts";

/** The config name: compile.sh loads userpatches/config-<name>.conf for a bare word argument. */
export const CONFIG_NAME = "bbos";

/**
 * Whether compile.sh builds `release` only with EXPERT=yes: the catalogue's
 * `releaseSupport.armbian` (read from config/distributions/<release>/support at the pinned
 * revision) marks every release but the `supported` ones (e.g. bookworm and jammy, `csc`) as
 * expert, for which compile.sh stops with "Armbian <release> is unsupported and, therefore, only
 * available to experts" unless EXPERT=yes (lib/functions/main/config-prepare.sh).
 */
function needsExpert(release: string): boolean {
  const support = boardCatalogue.releaseSupport.armbian;
  return Object.hasOwn(support, release) && support[release]?.expert === true;
}

/** The schema's default image size (`image.size`), which f2fs needs spelled out. */
const DEFAULT_IMAGE_MIB = 2048;

/** Variables of config-bbos.conf, in order. */
export function armbianSettings(config: BoardConfigV2): [name: string, value: string][] {
  const { os } = config;
  const options = config.build?.options ?? {};
  const settings: [string, string][] = [
    ["BOARD", config.board],
    ["BRANCH", os.branch],
    ["RELEASE", os.release],
    ["BUILD_MINIMAL", os.variant === "minimal" ? "yes" : "no"],
    ["BUILD_DESKTOP", os.variant === "desktop" ? "yes" : "no"],
  ];
  if (os.variant === "desktop") {
    // Both are asked for in a dialog when unset (lib/functions/configuration/config-desktop.sh).
    settings.push(["DESKTOP_ENVIRONMENT", os.desktop ?? "xfce"], ["DESKTOP_TIER", "mid"]);
  }
  // KERNEL_CONFIGURE=yes would open menuconfig; unset, compile.sh asks.
  settings.push(["KERNEL_CONFIGURE", "no"]);
  settings.push(["INSTALL_HEADERS", options.installHeaders === true ? "yes" : "no"]);
  const extensions = options.extensions ?? [];
  if (extensions.length > 0) settings.push(["ENABLE_EXTENSIONS", extensions.join(",")]);
  if (needsExpert(os.release)) settings.push(["EXPERT", "yes"]);
  const rootfs = config.image?.rootfs ?? "ext4";
  settings.push(["ROOTFS_TYPE", rootfs]);
  const size = config.image?.size;
  const sizeMiB = size ? size.value * (size.unit === "GiB" ? 1024 : 1) : null;
  if (sizeMiB !== null || rootfs === "f2fs") {
    settings.push(["FIXED_IMAGE_SIZE", String(sizeMiB ?? DEFAULT_IMAGE_MIB)]);
  }
  // The raw .img only: the orchestration compresses and checksums it.
  settings.push(["COMPRESS_OUTPUTIMAGE", "img"]);
  return settings;
}

/** userpatches/config-bbos.conf: every value single-quoted, so sourcing it only assigns. */
export function configFileText(settings: readonly [string, string][]): string {
  const lines = [
    "# Written by BBOS: the image's definition for the Armbian build framework.",
    "# compile.sh sources this file (config name `bbos`); every value is single-quoted.",
    ...settings.map(([name, value]) => `declare -g ${name}=${shellQuote(value)}`),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The arguments after `./compile.sh build`, one a line: the config name and the switches that
 * say how compile.sh runs here. compile.sh splits `NAME=value` at the last `=`, so no argument
 * may hold another `=` or a newline; none of these do.
 */
export const compileArgs: readonly string[] = [
  CONFIG_NAME,
  // We run as root inside the builder container: no sudo, no Docker-in-Docker, no countdown.
  "ALLOW_ROOT=yes",
  "PREFER_DOCKER=no",
  // Never upload the log to paste.armbian.com; it stays in the build's own log.
  "SHARE_LOG=no",
];
