import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";

import type Docker from "dockerode";

import { baseImageDefinition, baseImageId, baseImageTag } from "@bbos/recipes";

import { describeReason } from "./docker-errors.ts";
import { exitOf, findExecutable, runHostProcess, stopOnAbort } from "./host-process.ts";
import { followImageStream } from "./image-stream.ts";
import { removeSupersededImages } from "./superseded-images.ts";
import { assertInstallation, LABEL_IMAGE_DEFINITION, LABEL_INSTALLATION } from "./labels.ts";

/** Options for {@link makeBaseImage}. */
export interface MakeBaseImageOptions {
  /** Labels the image `io.bbos.installation=<installation>`. */
  installation: string;
  /** The Debian archive debootstrap downloads from (it also ends up in the image's sources.list). */
  mirror: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** What making the base image took. */
export interface BaseImageTimings {
  debootstrapMs: number;
  importMs: number;
}

/**
 * Makes {@link baseImageTag} without any registry: `debootstrap --variant=minbase` into a
 * temporary directory on the host, then `tar -c` of it imported into the engine (replacing the
 * tag if it exists). The temporary directory is removed in every case.
 *
 * @throws Error when not running as root or debootstrap is missing (saying what to install or
 * run), when debootstrap or the import fails (with debootstrap's last lines), or on abort.
 */
export async function makeBaseImage(
  docker: Docker,
  options: MakeBaseImageOptions,
): Promise<BaseImageTimings> {
  const { installation, mirror, log, signal } = options;
  assertInstallation(installation);
  if (process.getuid?.() !== 0) {
    throw new Error(
      "making the base image runs debootstrap, which needs root: run `sudo npm run builder-image -w @bbos/builder` once",
    );
  }
  const debootstrap = await findExecutable("debootstrap");
  if (!debootstrap) {
    throw new Error(
      "making the base image needs debootstrap on this host: install it (Debian/Ubuntu: sudo apt-get install debootstrap)",
    );
  }
  const tag = baseImageTag();
  const rootfs = await mkdtemp(join(tmpdir(), "bbos-base-"));
  try {
    log(
      `base image ${tag}: debootstrap ${baseImageDefinition.release} from ${mirror} into ${rootfs}`,
    );
    const debootstrapStarted = performance.now();
    await runHostProcess(
      "debootstrap",
      debootstrap,
      [`--variant=${baseImageDefinition.variant}`, baseImageDefinition.release, rootfs, mirror],
      { onLine: (line) => log(`debootstrap: ${line}`), signal },
    );
    const debootstrapMs = performance.now() - debootstrapStarted;
    log(`base image ${tag}: debootstrap took ${seconds(debootstrapMs)}; importing`);

    const importStarted = performance.now();
    await importRootfs(docker, rootfs, tag, installation, signal);
    const importMs = performance.now() - importStarted;
    log(`base image ${tag}: import took ${seconds(importMs)}`);
    await removeSupersededImages(docker, { installation, definitionHash: baseImageId(), log });
    return { debootstrapMs, importMs };
  } finally {
    await removeRootfs(rootfs, log);
  }
}

/** `tar -C rootfs -c .` streamed into the engine's image import as `tag`. */
async function importRootfs(
  docker: Docker,
  rootfs: string,
  tag: string,
  installation: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const [repo, version] = tag.split(":");
  const tar = spawn("tar", ["-C", rootfs, "--numeric-owner", "-c", "."], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let tarErrors = "";
  tar.stderr.on("data", (chunk: Buffer) => (tarErrors += chunk.toString()));
  const tarExited = exitOf(tar);
  tarExited.catch(() => undefined);
  const stopTar = stopOnAbort(tar, signal);
  try {
    const labels = {
      [LABEL_INSTALLATION]: installation,
      [LABEL_IMAGE_DEFINITION]: baseImageId(),
    };
    const response = await docker.importImage(tar.stdout, {
      repo,
      tag: version,
      // Dockerfile instructions applied to the imported image; JSON strings are valid quoting.
      changes: Object.entries(labels).map(
        ([name, value]) => `LABEL ${name}=${JSON.stringify(value)}`,
      ),
      message: `bbos base image: debootstrap --variant=minbase ${baseImageDefinition.release}`,
      abortSignal: signal,
    });
    await followImageStream(docker, response, () => undefined);
    const tarCode = await tarExited;
    if (tarCode !== 0) {
      throw new Error(`tar of ${rootfs} failed with exit code ${tarCode}: ${tarErrors.trim()}`);
    }
  } catch (error) {
    tar.kill("SIGKILL");
    if (signal?.aborted) {
      throw new Error(`importing ${tag} was stopped: ${describeReason(signal.reason)}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    stopTar();
  }
}

/**
 * Removes debootstrap's target directory. debootstrap mounts /proc and /sys inside it and
 * unmounts them when it exits normally; a killed one leaves them mounted, and a recursive delete
 * must never walk into the host's /proc or /sys. So: lazily unmount whatever is still mounted
 * below, then delete without crossing file systems.
 */
async function removeRootfs(rootfs: string, log: (line: string) => void): Promise<void> {
  const mounts = await readFile("/proc/self/mounts", "utf8").catch(() => "");
  const below = mounts
    .split("\n")
    .map((line) => line.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((mountPoint): mountPoint is string => mountPoint?.startsWith(rootfs + sep) ?? false)
    .sort((a, b) => b.length - a.length);
  try {
    for (const mountPoint of below) {
      await runHostProcess("umount", "umount", ["-l", mountPoint], { onLine: log });
    }
    await runHostProcess("rm", "rm", ["-rf", "--one-file-system", rootfs], { onLine: log });
  } catch (error) {
    // The image is made (or its making failed for its own reason): a leftover temporary directory
    // must not change that outcome, but it is reported.
    log(`could not remove ${rootfs}: ${describeReason(error)}; remove it by hand`);
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
