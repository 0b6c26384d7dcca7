// Progress from Armbian's own log lines. compile.sh prints no percentage, only `display_alert`
// messages (`[🌱] message [ extra ]`, `[🐳|🌱] …` inside a container, `--> (secs) INFO: …` in
// its log files; lib/functions/logging/display-alert.sh), so milestones of a build (in the order
// lib/functions/main/default-build.sh and rootfs-image.sh reach them) map to fixed fractions of
// their stage. Tool output (`[🔨]`) never counts: it could say anything.

/** A milestone: the message (after the level marker) starts with `prefix`. */
interface Milestone {
  readonly pattern: RegExp;
  readonly stage: "host-prepare" | "kernel" | "rootfs" | "image";
  readonly fraction: number;
}

const MILESTONES: readonly Milestone[] = [
  // `compile.sh requirements` (lib/functions/cli/cli-requirements.sh)
  { pattern: /^Done with \[ @host dependencies \]/, stage: "host-prepare", fraction: 1 },
  // `compile.sh build`: configuration and host (lib/functions/main/config-prepare.sh,
  // lib/functions/host/prepare-host.sh), then the artifacts of determine_artifacts_to_build_for_image
  // in their order (lib/functions/main/build-packages.sh).
  { pattern: /^Starting single build process\b/, stage: "kernel", fraction: 0 },
  { pattern: /^Sourcing board configuration\b/, stage: "kernel", fraction: 0.01 },
  { pattern: /^Checking \[ basic host setup \]/, stage: "kernel", fraction: 0.02 },
  { pattern: /^Configuration prepared for BOARD build\b/, stage: "kernel", fraction: 0.02 },
  { pattern: /^Preparing \[ host \]/, stage: "kernel", fraction: 0.03 },
  { pattern: /^artifact \[ uboot ::/, stage: "kernel", fraction: 0.05 },
  { pattern: /^artifact \[ kernel ::/, stage: "kernel", fraction: 0.2 },
  { pattern: /^Kernel build starting\b/, stage: "kernel", fraction: 0.25 },
  { pattern: /^Compiling \S+ kernel\b/, stage: "kernel", fraction: 0.3 },
  { pattern: /^Building kernel\b/, stage: "kernel", fraction: 0.35 },
  { pattern: /^Kernel built in\b/, stage: "kernel", fraction: 0.75 },
  { pattern: /^Packaging kernel\b/, stage: "kernel", fraction: 0.78 },
  { pattern: /^Kernel packaged in\b/, stage: "kernel", fraction: 0.82 },
  { pattern: /^artifact \[ (full_)?firmware ::/, stage: "kernel", fraction: 0.85 },
  { pattern: /^artifact \[ armbian-base-files ::/, stage: "kernel", fraction: 0.9 },
  { pattern: /^artifact \[ armbian-bsp-cli ::/, stage: "kernel", fraction: 0.95 },
  // The root file system: from cache or mmdebstrap, then installed and customized
  // (lib/functions/main/rootfs-image.sh, lib/functions/rootfs/*.sh).
  { pattern: /^Building image \[/, stage: "rootfs", fraction: 0 },
  { pattern: /^Checking for rootfs cache\b/, stage: "rootfs", fraction: 0.01 },
  { pattern: /^Creating new rootfs cache\b/, stage: "rootfs", fraction: 0.03 },
  { pattern: /^Preparing mmdebstrap\b/, stage: "rootfs", fraction: 0.05 },
  { pattern: /^Installing base system\b/, stage: "rootfs", fraction: 0.08 },
  { pattern: /^Configuring locales\b/, stage: "rootfs", fraction: 0.25 },
  { pattern: /^Installing the main packages for\b/, stage: "rootfs", fraction: 0.3 },
  { pattern: /^Installing desktop via armbian-config\b/, stage: "rootfs", fraction: 0.35 },
  { pattern: /^Ending mmdebstrap process\b/, stage: "rootfs", fraction: 0.4 },
  { pattern: /^rootfs cache created\b/, stage: "rootfs", fraction: 0.45 },
  { pattern: /^Extracting \S+ \[ .*days old \]/, stage: "rootfs", fraction: 0.45 },
  { pattern: /^Applying distribution specific tweaks for\b/, stage: "rootfs", fraction: 0.5 },
  { pattern: /^Setting root password\b/, stage: "rootfs", fraction: 0.55 },
  { pattern: /^Installing AGGREGATED_PACKAGES_IMAGE packages\b/, stage: "rootfs", fraction: 0.6 },
  { pattern: /^Applying family \[/, stage: "rootfs", fraction: 0.7 },
  { pattern: /^Enabling Armbian services\b/, stage: "rootfs", fraction: 0.72 },
  { pattern: /^Calling image customization script\b/, stage: "rootfs", fraction: 0.8 },
  {
    pattern: /^Updating APT package lists \[ after customization \]/,
    stage: "rootfs",
    fraction: 0.88,
  },
  { pattern: /^Actual rootfs size\b/, stage: "rootfs", fraction: 0.98 },
  // The disk image (lib/functions/image/partitioning.sh, rootfs-to-image.sh, main/start-end.sh).
  { pattern: /^Preparing image file for rootfs\b/, stage: "image", fraction: 0.02 },
  { pattern: /^Creating blank image for rootfs\b/, stage: "image", fraction: 0.05 },
  { pattern: /^Creating partitions\b/, stage: "image", fraction: 0.08 },
  { pattern: /^Allocated loop device\b/, stage: "image", fraction: 0.1 },
  { pattern: /^Creating rootfs \[/, stage: "image", fraction: 0.12 },
  { pattern: /^Copying files via rsync to\b/, stage: "image", fraction: 0.2 },
  { pattern: /^Copying files to \[ \/boot/, stage: "image", fraction: 0.55 },
  { pattern: /^Done building image\b/, stage: "image", fraction: 0.8 },
  { pattern: /^Done building \[/, stage: "image", fraction: 0.7 },
  {
    pattern: /^(Fast-moving file to output\/images|Moving artefacts using rsync)\b/,
    stage: "image",
    fraction: 0.75,
  },
  { pattern: /^Runtime \[/, stage: "image", fraction: 0.85 },
  { pattern: /^Repeat Build Options \[/, stage: "image", fraction: 0.87 },
];

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** `[🌱] `, `[🐳|🌱] `: the screen form's level marker (a bracket of emoji, no spaces). */
const SCREEN_MARKER = /^\[(?:[^\s\]|]+\|)?([^\s\]]+)\]\s+/u;
/** `--> (123) INFO: `: the log file form. */
const FILE_MARKER = /^--> \(\d+\) [A-Z]+: /;
/** The level marker of tool output (`run_host_command_logged`). */
const TOOL_MARKER = "🔨";

/** The stage and fraction an Armbian log line marks, or null for the lines that mark nothing. */
export function armbianProgressOf(line: string): { stage: string; fraction: number } | null {
  const text = line.replace(ANSI, "").trim();
  const screen = SCREEN_MARKER.exec(text);
  if (screen?.[1] === TOOL_MARKER) return null;
  const message = screen ? text.slice(screen[0].length) : text.replace(FILE_MARKER, "");
  const milestone = MILESTONES.find(({ pattern }) => pattern.test(message));
  return milestone ? { stage: milestone.stage, fraction: milestone.fraction } : null;
}
