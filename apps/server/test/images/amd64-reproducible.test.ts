// Reproducibility of the debian recipe, on the native qemu-amd64 image: one config version built
// twice with `force`, each time from an empty root filesystem cache (so the root filesystem is
// installed again, from the packages the first build recorded), gives the same image bytes. The
// image then boots under qemu-system-x86_64 with OVMF to a login, with the configured keyboard
// layout applied and the config's project files in place.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { productRecipes } from "@bbos/recipes";

import {
  ensureTestBuilderImage,
  startBuildInstallation,
  type BuildInstallation,
} from "../build-harness.ts";
import {
  buildImage,
  buildLogText,
  downloadImage,
  readImageFile,
  TEST_USER,
  type BuildJson,
} from "./image-builds.ts";
import { bootImage } from "./qemu-boot.ts";

const run = promisify(execFile);

/** Project files the config copies into the image: a text, a root-only tool, some binary bytes. */
const MOTD = "Built by BBOS from an uploaded project file.\n";
const TOOL = '#!/bin/sh\necho "HEL""LO=$(id -un)"\n';
const BLOB = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) & 255));
/** A file name that tries shell injection: it must land verbatim. */
const HOSTILE_NAME = "$(touch /tmp/pwned) 'it''s' `id`.txt";

const config = (files: { motd: string; tool: string; blob: string }) => ({
  board: "qemu-amd64",
  os: { release: "bookworm", branch: "current", variant: "server" },
  system: {
    hostname: "bbos-amd64",
    timezone: "Europe/Berlin",
    keyboard: "de",
    users: [{ name: TEST_USER.name, sudo: true, passwordHash: TEST_USER.passwordHash }],
  },
  // amd64-microcode comes from the non-free-firmware component.
  packages: { install: ["htop", "amd64-microcode"], remove: ["nano"] },
  // QEMU's user network, addressed statically instead of by its DHCP server.
  network: {
    ethernet: { mode: "static", address: "10.0.2.15/24", gateway: "10.0.2.2", dns: ["10.0.2.3"] },
  },
  files: [
    { fileId: files.motd, path: "/etc/motd" },
    { fileId: files.tool, path: "/usr/local/sbin/bbos-hello", mode: "0750" },
    // /lib is a link to usr/lib in the image: the file lands where the image resolves it.
    { fileId: files.blob, path: "/lib/bbos/blob.bin" },
    { fileId: files.motd, path: `/opt/bbos/${HOSTILE_NAME}`, mode: "0600" },
  ],
  image: { size: { value: 1, unit: "GiB" }, compression: "zstd" },
  build: { recipe: "debian" },
});

let installation: BuildInstallation;
let dir: string;
let boardConfig: ReturnType<typeof config>;
const timings: string[] = [];

beforeAll(async () => {
  await ensureTestBuilderImage();
  dir = await mkdtemp(join(tmpdir(), "bbos-amd64-images-"));
  installation = await startBuildInstallation({
    recipes: productRecipes,
    cache: { dir: join(dir, "cache"), limitMiB: 8192 },
    limits: { cpus: 2, memoryBytes: 4096 * 1024 * 1024 },
  });
  boardConfig = config({
    motd: await installation.uploadFile("overlay/motd", MOTD),
    tool: await installation.uploadFile("overlay/bbos-hello", TOOL),
    blob: await installation.uploadFile("overlay/blob.bin", BLOB),
  });
}, 900_000);
afterAll(async () => {
  console.log(`amd64 images:\n  ${timings.join("\n  ")}`);
  await installation?.close();
  await rm(dir, { recursive: true, force: true });
});

async function succeeded(build: BuildJson): Promise<BuildJson> {
  if (build.status !== "SUCCEEDED") {
    throw new Error(
      `build ${build.status}: ${build.errorMessage}\n${await buildLogText(installation, build)}`,
    );
  }
  return build;
}

const imageDigest = (build: BuildJson) =>
  build.artifacts.find((artifact) => artifact.kind === "IMAGE")?.sha256;

/** Where the qemu-amd64 image's root file system starts (after the ESP). */
const ROOT_OFFSET = 64 * 1024 * 1024;

describe("the debian recipe's qemu-amd64 image", () => {
  let first: BuildJson;
  let image: string;

  it("is the same, byte for byte, when one version is built twice from scratch", async () => {
    const one = await buildImage(installation, boardConfig, { force: true });
    first = await succeeded(one.build);
    timings.push(`qemu-amd64 build 1 (empty rootfs cache): ${one.seconds.toFixed(0)} s`);
    // The second build installs its root filesystem again, from the same recorded packages.
    await rm(join(dir, "cache", "rootfs"), { recursive: true, force: true });
    const two = await buildImage(installation, boardConfig, {
      force: true,
      versionId: one.versionId,
    });
    const second = await succeeded(two.build);
    timings.push(`qemu-amd64 build 2 (empty rootfs cache): ${two.seconds.toFixed(0)} s`);
    expect(second.id).not.toBe(first.id);
    // The second build installed the package set the first recorded, from the worker's cache.
    const log = await (
      await fetch(new URL(`/builds/${second.id}/log.txt`, installation.server.url))
    ).text();
    expect(log).toContain(`packages: the set build ${first.id} recorded`);
    expect(log).toMatch(/package set: the \d+ files an earlier build of this version recorded/);
    expect(log).not.toMatch(/downloading \d+ of them/);
    if (imageDigest(second) !== imageDigest(first)) {
      throw new Error(`the images differ:\n${await describeDifference(first, second)}`);
    }
    expect(imageDigest(second)).toMatch(/^[0-9a-f]{64}$/);
    timings.push(`both images: sha256 ${imageDigest(first)}`);
    // What made it: the recorded package set, named file by file in the signed provenance.
    const packageSet = await artifactText(first, /\.packages\.sha256$/);
    const kernel = /^([0-9a-f]{64}) {2}(linux-image-\S+_amd64\.deb)$/m.exec(packageSet);
    expect(kernel).not.toBeNull();
    expect(await resolvedDependencies(first)).toContainEqual({
      name: kernel?.[2],
      digest: { sha256: kernel?.[1] },
    });
  });

  it("updates from the security archive, has its firmware and the configured layout as its console keymap", async () => {
    image = await downloadImage(installation, first, dir);
    const read = async (path: string) => (await readImageFile(image, ROOT_OFFSET, path)).toString();
    // The worker's security archive: DEBIAN_SECURITY_MIRROR, or the host's (apt's configuration).
    expect(await read("/etc/apt/sources.list")).toMatch(
      /^deb https?:\/\/\S+ bookworm-security main non-free-firmware$/m,
    );
    expect(await read("/etc/default/keyboard")).toMatch(/^XKBLAYOUT="de"$/m);
    const manifest = await artifactText(first, /\.packages\.txt$/);
    expect(manifest).toMatch(/^console-setup\t/m);
    expect(manifest).toMatch(/^amd64-microcode\t/m);
    // console-setup compiled the German keymap at installation: the key left of U types "z".
    const setup = await read("/etc/console-setup/cached_setup_keyboard.sh");
    const keymap = /loadkeys '(\/etc\/console-setup\/cached_\S+\.kmap\.gz)'/.exec(setup)?.[1];
    expect(keymap).toBeDefined();
    const keys = gunzipSync(await readImageFile(image, ROOT_OFFSET, keymap ?? "")).toString();
    expect(keys).toMatch(/^keycode 21 = \+U\+007a /m);
  });

  it("has the config's project files, byte for byte, where the image resolves their paths", async () => {
    expect((await readImageFile(image, ROOT_OFFSET, "/etc/motd")).toString()).toBe(MOTD);
    expect((await readImageFile(image, ROOT_OFFSET, "/usr/lib/bbos/blob.bin")).equals(BLOB)).toBe(
      true,
    );
    expect(await resolvedDependencies(first)).toContainEqual({
      name: `project-files/${boardConfig.files[2]?.fileId}`,
      digest: { sha256: createHash("sha256").update(BLOB).digest("hex") },
    });
  });

  it("boots under qemu-system-x86_64 with OVMF to a login with the configured host name", async () => {
    await using machine = await bootImage(image, "amd64");
    const prompt = await machine.waitFor(/bbos-amd64 login: $/m, 10 * 60_000);
    machine.type(TEST_USER.name);
    await machine.waitFor("Password:", 60_000);
    machine.type(TEST_USER.password);
    const loggedIn = await machine.waitFor(`${TEST_USER.name}@bbos-amd64:~$ `, 120_000);
    timings.push(
      `qemu-amd64 boot (TCG, OVMF): login prompt ${(prompt / 1000).toFixed(1)} s, logged in ${(loggedIn / 1000).toFixed(1)} s`,
    );
    // Quotes split the marker, so that the echoed command line never matches the output.
    machine.type(
      'echo "HO""ST=$(hostname) TZ=$(cat /etc/timezone) HTOP=$(command -v htop) NANO=$(command -v nano | wc -l) LANG=$LANG KEYMAP=$(systemctl is-active keyboard-setup.service) GW=$(ip -4 route show default | grep -c "via 10.0.2.2 .*proto static") ADDR=$(ip -4 -o addr show | grep -c "inet 10.0.2.15/24")"',
    );
    // Up to the line's end (\r\r\n after sudo): the console may deliver a line in pieces.
    await machine.waitFor(
      /HOST=\S+ TZ=\S+ HTOP=\S+ NANO=\d+ LANG=\S+ KEYMAP=\S+ GW=\d+ ADDR=\d+\r*\n/,
      60_000,
    );
    expect(machine.output()).toMatch(
      /HOST=bbos-amd64 TZ=Europe\/Berlin HTOP=\/usr\/bin\/htop NANO=0 LANG=en_US.UTF-8 KEYMAP=active GW=1 ADDR=1/,
    );
    // The first boot grew the root file system to the disk's end.
    expect(machine.output()).toMatch(/EXT4-fs \(vda2\): resized filesystem to \d+/);
    // The project files: owned by root with their modes, the hostile name verbatim, the tool runs.
    machine.type(
      `echo "FI""LES=$(find /opt/bbos /usr/local/sbin/bbos-hello -type f -printf '%m:%u:%p\\n' | base64 -w0)"; ` +
        `echo '${TEST_USER.password}' | sudo -S -p '' /usr/local/sbin/bbos-hello`,
    );
    await machine.waitFor(/HELLO=\S+\r*\n/, 60_000);
    const out = machine.output();
    expect(out).toMatch(/HELLO=root/);
    const files = Buffer.from(/FILES=(\S+)/.exec(out)?.[1] ?? "", "base64").toString();
    expect(files.split("\n").filter(Boolean).sort()).toEqual([
      `600:root:/opt/bbos/${HOSTILE_NAME}`,
      "750:root:/usr/local/sbin/bbos-hello",
    ]);
  });
});

/** The text of the build's artifact whose name matches `name`. */
async function artifactText(build: BuildJson, name: RegExp): Promise<string> {
  const artifact = build.artifacts.find((candidate) => name.test(candidate.name));
  if (!artifact) throw new Error(`build ${build.id} has no artifact matching ${String(name)}`);
  const response = await fetch(new URL(artifact.downloadUrl, installation.server.url));
  return response.text();
}

/** What the build's signed provenance names as its inputs. */
async function resolvedDependencies(build: BuildJson) {
  const provenance = JSON.parse(await artifactText(build, /\.provenance\.json$/)) as {
    predicate: { buildDefinition: { resolvedDependencies: { name: string; digest: unknown }[] } };
  };
  return provenance.predicate.buildDefinition.resolvedDependencies;
}

/** Where two images differ: the first differing byte offsets, by partition. */
async function describeDifference(a: BuildJson, b: BuildJson): Promise<string> {
  const [left, right] = [
    await downloadImage(installation, a, await mkdtemp(join(dir, "a-"))),
    await downloadImage(installation, b, await mkdtemp(join(dir, "b-"))),
  ];
  const { stdout } = await run("sh", ["-c", 'cmp -l "$0" "$1" | head -n 20 || true', left, right]);
  return `first differing bytes (offset, octal values; the ESP is 1–64 MiB, the root from 64 MiB):\n${stdout}`;
}
