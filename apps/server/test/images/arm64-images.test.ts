// The debian recipe's arm64 images, built through the whole platform on the real engine: the
// qemu-arm64 image (cold: empty root filesystem cache) boots under qemu-system-aarch64 to a login,
// and a Rockchip board's image, built warm from the same root filesystem, carries its boot loader
// at the SoC's offsets. One emulated root filesystem build feeds both.
import { pbkdf2Sync } from "node:crypto";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

const HOSTILE_COMMENT = "$(touch /tmp/pwned)`id`'\"; rm -rf / #";
const HOSTILE_SSID = "$(id)'\"\\;`x`";
const PSK = "planted-psk-$(reboot)-value";
/** The key wpa_supplicant gets for PSK on HOSTILE_SSID (PBKDF2-SHA1, 4096 rounds, as wpa_passphrase). */
const WIFI_KEY = pbkdf2Sync(PSK, HOSTILE_SSID, 4096, 32, "sha1").toString("hex");

/** A project file both images get: a tool the configured user runs after logging in. */
const TOOL = '#!/bin/sh\necho "HEL""LO=$(id -un)"\n';
let toolId: string;

const config = (board: string, hostname: string) => ({
  board,
  os: { release: "bookworm", branch: "current", variant: "minimal" },
  system: {
    hostname,
    users: [
      {
        name: TEST_USER.name,
        sudo: true,
        passwordHash: TEST_USER.passwordHash,
        sshKeys: [
          `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFa5tMH4lH+M12UjCx9SGXrUfateXODtXcPlxI2zs84b ${HOSTILE_COMMENT}`,
        ],
      },
    ],
  },
  network: { wifi: { ssid: HOSTILE_SSID, psk: PSK, country: "DE" } },
  // Installed from inside the arm64 image: its own install(1), run under qemu-user.
  files: [{ fileId: toolId, path: "/usr/local/bin/bbos-hello", mode: "0755" }],
  image: { size: { value: 1, unit: "GiB" }, compression: "zstd" },
  build: { recipe: "debian" },
});

let installation: BuildInstallation;
let dir: string;
const timings: string[] = [];

beforeAll(async () => {
  await ensureTestBuilderImage();
  dir = await mkdtemp(join(tmpdir(), "bbos-arm64-images-"));
  installation = await startBuildInstallation({
    recipes: productRecipes,
    // An empty cache: the first build makes the root filesystem under emulation.
    cache: { dir: join(dir, "cache"), limitMiB: 8192 },
    limits: { cpus: 2, memoryBytes: 4096 * 1024 * 1024 },
  });
  toolId = await installation.uploadFile("bin/bbos-hello", TOOL);
}, 900_000);
afterAll(async () => {
  console.log(`arm64 images:\n  ${timings.join("\n  ")}`);
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

describe("the debian recipe's qemu-arm64 image", () => {
  it("builds cold, boots under qemu-system-aarch64 to a login, and is what the config says", async () => {
    const { build, seconds } = await buildImage(installation, config("qemu-arm64", "bbos-arm64"));
    await succeeded(build);
    timings.push(`qemu-arm64 build, cold (empty rootfs cache): ${seconds.toFixed(0)} s`);
    const image = await downloadImage(installation, build, dir);

    await using machine = await bootImage(image, "arm64");
    const prompt = await machine.waitFor(/bbos-arm64 login: $/m, 10 * 60_000);
    machine.type(TEST_USER.name);
    await machine.waitFor("Password:", 60_000);
    machine.type(TEST_USER.password);
    const loggedIn = await machine.waitFor(`${TEST_USER.name}@bbos-arm64:~$ `, 120_000);
    timings.push(
      `qemu-arm64 boot (TCG, 2 vCPUs): login prompt ${(prompt / 1000).toFixed(1)} s, logged in ${(loggedIn / 1000).toFixed(1)} s`,
    );
    // Quotes split the markers, so that the echoed command line never matches the output.
    machine.type(
      `echo "HO""ST=$(hostname) USER=$(id -un) SUDO=$(id -Gn | grep -wc sudo)"; ` +
        `echo "KEY""S=$(base64 -w0 ~/.ssh/authorized_keys)"; ` +
        `echo '${TEST_USER.password}' | sudo -S -p '' sh -c 'echo "WI""FI=$(stat -c %a:%U /etc/wpa_supplicant/wpa_supplicant-wlan0.conf):$(grep -c psk=${WIFI_KEY} /etc/wpa_supplicant/wpa_supplicant-wlan0.conf) PWNED=$(ls /tmp/pwned 2>/dev/null | wc -l) MACHINE=$(cat /etc/machine-id | wc -c)"'`,
    );
    // Up to the line's end (\r\r\n after sudo): the console may deliver a line in pieces.
    await machine.waitFor(/WIFI=\S+ PWNED=\d+ MACHINE=\d+\r*\n/, 120_000);
    machine.type("bbos-hello");
    await machine.waitFor(/HELLO=\S+\r*\n/, 60_000);
    const out = machine.output();
    expect(out).toMatch(/HOST=bbos-arm64 USER=tester SUDO=1/);
    const keys = /KEYS=(\S+)/.exec(out)?.[1] ?? "";
    expect(Buffer.from(keys, "base64").toString()).toContain(HOSTILE_COMMENT);
    // The Wi-Fi secret (stored sealed, resolved by the worker) is in the image, readable by root
    // only; nothing hostile ran anywhere.
    expect(out).toMatch(/WIFI=600:root:1 PWNED=0 MACHINE=33/);
    // The project file, installed with its mode, on the user's PATH.
    expect(out).toMatch(/HELLO=tester\r*\n/);
  });
});

describe("the debian recipe's image for a Rockchip board (rock64)", () => {
  let image: string;

  beforeAll(async () => {
    const { build, seconds } = await buildImage(installation, config("rock64", "bbos-rock64"));
    await succeeded(build);
    timings.push(`rock64 build, warm (rootfs from the cache): ${seconds.toFixed(0)} s`);
    image = await downloadImage(installation, build, dir);
  }, 45 * 60_000);

  const bytes = async (offset: number, length: number) => {
    const file = await open(image, "r");
    try {
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, offset);
      return buffer;
    } finally {
      await file.close();
    }
  };

  it("has an MBR with one bootable Linux partition at 16 MiB", async () => {
    const mbr = await bytes(0, 512);
    expect(mbr.readUInt16LE(510)).toBe(0xaa55);
    const entry = mbr.subarray(446, 462);
    expect(entry[0]).toBe(0x80);
    expect(entry[4]).toBe(0x83);
    expect(entry.readUInt32LE(8)).toBe(32768);
    expect(mbr.subarray(462, 510).every((byte) => byte === 0)).toBe(true);
  });

  it("carries the RK3328 boot loader at sector 64 and U-Boot's FIT at sector 16384", async () => {
    // idbloader.img: its first sector is RC4-encrypted with the key of U-Boot's rkcommon and
    // starts with the magic 0x0FF0AA55; the SPL's SoC tag follows 2048 bytes in.
    const header = rc4(RKCOMMON_KEY, await bytes(64 * 512, 512));
    expect(header.readUInt32LE(0)).toBe(0x0ff0aa55);
    expect((await bytes(64 * 512 + 2048, 4)).toString("latin1")).toBe("RK32");
    // u-boot.itb is a flattened device tree (FIT): magic 0xd00dfeed, big-endian.
    expect((await bytes(16384 * 512, 4)).readUInt32BE(0)).toBe(0xd00dfeed);
  });

  it("boots through extlinux.conf with the board's device tree and serial console", async () => {
    const extlinux = (
      await readImageFile(image, 16 * 1024 * 1024, "/boot/extlinux/extlinux.conf")
    ).toString();
    const version = /kernel \/boot\/vmlinuz-(\S+)/.exec(extlinux)?.[1];
    expect(version).toBeTruthy();
    expect(extlinux).toContain(`initrd /boot/initrd.img-${version}`);
    expect(extlinux).toContain(`fdt /usr/lib/linux-image-${version}/rockchip/rk3328-rock64.dtb`);
    expect(extlinux).toMatch(/append root=UUID=[0-9a-f-]{36} ro rootwait console=ttyS2,1500000\n/);
    const dtb = await readImageFile(
      image,
      16 * 1024 * 1024,
      `/usr/lib/linux-image-${version}/rockchip/rk3328-rock64.dtb`,
    );
    expect(dtb.readUInt32BE(0)).toBe(0xd00dfeed);
  });
});

/** The RC4 key of U-Boot's tools/rkcommon.c, which Rockchip's boot ROM expects. */
const RKCOMMON_KEY = [124, 78, 3, 4, 85, 5, 9, 7, 45, 44, 123, 56, 23, 13, 23, 17];

function rc4(key: number[], data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] ?? 0) + (key[i % key.length] ?? 0)) & 255;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let n = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + (s[i] ?? 0)) & 255;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
    out[n] = (data[n] ?? 0) ^ (s[((s[i] ?? 0) + (s[j] ?? 0)) & 255] ?? 0);
  }
  return out;
}
