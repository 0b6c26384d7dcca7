// The `armbian` recipe: an image built by the Armbian build framework (armbian/build) at a pinned
// revision, for the catalogue's boards that Armbian supports. Pure: it plans the container steps
// and the files they read (the image's definition, the customization script and its data); the
// worker runs them. Everything config-specific reaches the steps as files, never as script text.
import {
  PROJECT_FILES_DIR,
  type Recipe,
  type RecipeFile,
  type RecipePlan,
  type RecipeStage,
} from "@bbos/core/build";
import { boardCatalogue, type BoardConfigV2 } from "@bbos/schemas";

import { armbianSettings, compileArgs, configFileText, CONFIG_NAME } from "./compile-settings.ts";
import { customizeImageScript, DATA_DIR, overlayDataFiles } from "./customize-image.ts";
import { armbianProgressOf } from "./progress.ts";

/** Where the framework is cloned from. */
const ARMBIAN_REPOSITORY = "https://github.com/armbian/build";
/** The framework's revision every build uses (main on 2026-08-22, `26.08.0-trunk`). */
const ARMBIAN_REVISION = "82a0c923f91f75211cade3ee703fc06372c840e5";

/**
 * Weights from where an Armbian build spends its time: a cold build compiles kernel and U-Boot
 * (the biggest share, unless Armbian's OCI artifact cache has them) and bootstraps the root file
 * system under emulation (next biggest); host packages and the image itself take minutes.
 */
const stages: RecipeStage[] = [
  { id: "fetch", title: "Fetching the Armbian build framework", weight: 2 },
  { id: "host-prepare", title: "Preparing the build host", weight: 6 },
  { id: "kernel", title: "Building the kernel, U-Boot and board packages", weight: 42 },
  { id: "rootfs", title: "Building the root file system", weight: 38 },
  { id: "image", title: "Writing the disk image", weight: 12 },
];

/** In /work/in (the executor writes the plan's files there). */
const INPUT_DIR = "armbian";

/**
 * Checks in at most 20 s that the framework's repository answers, then clones it at the pinned
 * revision into /work/armbian (a shallow fetch of that one commit).
 */
const fetchScript = `if ! command -v git > /dev/null; then
  echo "the builder image has no git; the armbian recipe needs it to fetch the Armbian build framework" >&2
  exit 1
fi
export GIT_TERMINAL_PROMPT=0
answer="$(timeout 20 git ls-remote -- "$ARMBIAN_REPOSITORY" HEAD 2>&1 > /dev/null)" && status=0 || status=$?
if [ "$status" -ne 0 ]; then
  reason="$(printf '%s\\n' "$answer" | sed '/^[[:space:]]*$/d' | tail -n 1)"
  if [ "$status" -eq 124 ]; then reason="no answer within 20 s"; fi
  echo "the Armbian build framework cannot be reached at $ARMBIAN_REPOSITORY (\${reason:-git ls-remote failed with status $status}); armbian builds need internet access to github.com" >&2
  exit 1
fi
rm -rf armbian
git -c init.defaultBranch=main init -q armbian
cd armbian
git remote add origin "$ARMBIAN_REPOSITORY"
git fetch -q --depth 1 origin "$ARMBIAN_REVISION"
git checkout -q --detach FETCH_HEAD
test "$(git rev-parse HEAD)" = "$ARMBIAN_REVISION"
echo "Armbian build framework at $ARMBIAN_REVISION"`;

/** Armbian's own host preparation: installs the packages it builds with (apt, as root). */
const hostPrepareScript = `cd armbian
./compile.sh requirements ALLOW_ROOT=yes PREFER_DOCKER=no`;

/**
 * The build: the userpatches in place, with the project files the config copies beside the
 * customization's data (the chroot sees them in /tmp/overlay), then compile.sh with the
 * arguments of the data file.
 */
const buildScript = `mkdir -p armbian/userpatches
cp -a in/${INPUT_DIR}/userpatches/. armbian/userpatches/
if [ -d in/${PROJECT_FILES_DIR} ]; then
  cp -a in/${PROJECT_FILES_DIR} armbian/userpatches/overlay/${DATA_DIR}/
fi
mapfile -t args < in/${INPUT_DIR}/compile-args
cd armbian
./compile.sh build "\${args[@]}"`;

/** The one raw image Armbian wrote to output/images, moved to out/. */
const collectScript = `shopt -s nullglob
images=(armbian/output/images/*.img)
if [ "\${#images[@]}" -ne 1 ]; then
  echo "expected one image in the framework's output/images, found \${#images[@]}" >&2
  ls -la armbian/output/images >&2 || true
  exit 1
fi
mv -- "\${images[0]}" "out/$IMAGE"`;

/** What the steps run with: Armbian then knows it is in a container (loop device handling). */
const containerEnv = { ARMBIAN_RUNNING_IN_CONTAINER: "yes" };

export const armbianRecipe: Recipe = {
  id: "armbian",
  version: "1",
  title: "Armbian build framework",
  stages,
  supports(config) {
    const reason = unsupportedReason(config as unknown as BoardConfigV2);
    return reason === null ? { ok: true } : { ok: false, reason };
  },
  plan({ config: json }): RecipePlan {
    const config = json as unknown as BoardConfigV2;
    const imageName = `bbos-${config.board}-${config.os.release}-armbian-${config.os.branch}`;
    const files: RecipeFile[] = [
      { path: `${INPUT_DIR}/compile-args`, content: `${compileArgs.join("\n")}\n` },
      {
        path: `${INPUT_DIR}/userpatches/config-${CONFIG_NAME}.conf`,
        content: configFileText(armbianSettings(config)),
      },
      { path: `${INPUT_DIR}/userpatches/customize-image.sh`, content: customizeImageScript },
      ...overlayDataFiles(config).map((file) => ({
        path: `${INPUT_DIR}/userpatches/overlay/${file.path}`,
        content: file.content,
      })),
    ];
    return {
      files,
      steps: [
        {
          stage: "fetch",
          script: fetchScript,
          env: { ARMBIAN_REPOSITORY, ARMBIAN_REVISION },
          network: "host",
          capabilities: [],
          cache: false,
        },
        {
          stage: "host-prepare",
          script: hostPrepareScript,
          env: containerEnv,
          network: "host",
          capabilities: [],
          cache: false,
        },
        /**
         * The whole image build, one compile.sh run; its log moves the progress through the
         * kernel, rootfs and image stages ({@link armbianProgressOf}).
         *
         * Network "host": Armbian downloads kernel and U-Boot sources, toolchains, its OCI
         * artifact cache (ghcr.io) and packages (Debian/Ubuntu and apt.armbian.com) while it builds.
         *
         * Privileges: a privileged container, as Armbian's own Docker launcher runs (which also
         * adds SYS_ADMIN, MKNOD, SYS_PTRACE; armbian/build lib/functions/host/docker.sh):
         * compile.sh attaches the image to a loop device (losetup) and mounts its
         * partitions, and binds /proc, /sys and /dev into the chroot. Armbian runs its container
         * `--privileged`; the narrow alternative it documents (DOCKER_PRIVILEGED=no) is
         * `--device=/dev/loop-control`, `--security-opt seccomp=unconfined` and, for the loop
         * partitions, `--device-cgroup-rule 'b 7:* rmw'` and `'b 259:* rmw'` with the host's /dev
         * bound read-only at /tmp/dev (Armbian mknods the `loopNpM` nodes from there when
         * ARMBIAN_RUNNING_IN_CONTAINER=yes) and AppArmor unconfined. Foreign-architecture
         * rootfs builds also need the host's binfmt_misc handlers for qemu-user (F flag).
         */
        {
          stage: "kernel",
          script: buildScript,
          env: containerEnv,
          network: "host",
          capabilities: ["SYS_ADMIN", "MKNOD", "SYS_PTRACE"],
          privileged: true,
          cache: false,
        },
        {
          stage: "image",
          script: collectScript,
          env: { IMAGE: "disk.img" },
          network: "none",
          capabilities: [],
          cache: false,
        },
      ],
      image: {
        path: "disk.img",
        name: `${imageName}.img`,
        contentType: "application/octet-stream",
      },
      manifest: null,
      packageSet: null,
    };
  },
  progressOf: armbianProgressOf,
};

/** Why the recipe cannot build `config`, in words for the user, or null when it can. */
function unsupportedReason(config: BoardConfigV2): string | null {
  const board = boardCatalogue.boards.find((entry) => entry.id === config.board);
  if (!board) return `the board "${config.board}" is not in the catalogue`;
  if (!board.recipes.includes("armbian")) {
    return `${board.name} is not built with Armbian (the catalogue lists: ${board.recipes.join(", ")})`;
  }
  if (!board.branches.includes(config.os.branch)) {
    return `Armbian offers the ${board.branches.join(", ")} kernel branches for ${board.name}, not "${config.os.branch}"`;
  }
  const releases = boardCatalogue.releases.armbian;
  if (!releases.includes(config.os.release)) {
    return `the armbian recipe builds ${releases.join(", ")}, not ${config.os.release}`;
  }
  return null;
}

// Kept beside the recipe for tests that check the plan against armbian/build at this revision.
export const armbianFramework = { repository: ARMBIAN_REPOSITORY, revision: ARMBIAN_REVISION };
