import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { pbkdf2Sync } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { defaultConfigValidator } from "@bbos/core";
import type { JsonObject, RecipeInput, RecipePlan } from "@bbos/core/build";

import { debianRecipe } from "./debian-recipe.ts";
import { wpaSupplicantConf } from "./image-files.ts";
import {
  assembleScript,
  configureScript,
  customizeRootfsScript,
  downloadScript,
  prelude,
  rootfsScript,
} from "./scripts.ts";

const base = {
  board: "qemu-arm64",
  os: { release: "bookworm", branch: "current", variant: "minimal" },
  system: { hostname: "probe" },
};

const plan = (
  config: object,
  contentHash = "a".repeat(64),
  input: Partial<RecipeInput> = {},
): RecipePlan =>
  debianRecipe.plan({
    config: config as JsonObject,
    contentHash,
    sourceDateEpoch: 1767225600,
    debianMirror: "http://deb.debian.org/debian",
    debianSecurityMirror: "http://security.debian.org/debian-security",
    ...input,
  });

const file = (result: RecipePlan, path: string) => {
  const found = result.files.find((entry) => entry.path === path);
  if (!found) throw new Error(`no planned file ${path}`);
  return found.content;
};

const refusal = (config: object) => {
  const result = debianRecipe.supports(config as JsonObject);
  return result.ok ? null : result.reason;
};

describe("debianRecipe.supports", () => {
  it("builds the QEMU boards and U-Boot boards Debian can boot", () => {
    expect(refusal(base)).toBeNull();
    expect(refusal({ ...base, board: "qemu-amd64" })).toBeNull();
    expect(refusal({ ...base, files: [{ fileId: "f", path: "/etc/motd" }] })).toBeNull();
    expect(refusal({ ...base, board: "rock64" })).toBeNull();
    expect(refusal({ ...base, board: "pine64", os: { ...base.os, release: "trixie" } })).toBeNull();
  });

  it("says why it cannot build the rest", () => {
    expect(refusal({ ...base, board: "nope" })).toMatch(/not in the catalogue/);
    expect(refusal({ ...base, os: { ...base.os, release: "noble" } })).toMatch(
      /builds bookworm and trixie, not noble/,
    );
    expect(refusal({ ...base, os: { ...base.os, branch: "edge" } })).toMatch(
      /Debian's own kernel.*not the edge branch/,
    );
    expect(refusal({ ...base, os: { ...base.os, variant: "desktop", desktop: "xfce" } })).toMatch(
      /desktop images are not supported yet/,
    );
    expect(refusal({ ...base, image: { rootfs: "btrfs" } })).toMatch(/ext4.*not btrfs/);
    expect(refusal({ ...base, kernel: { overlays: ["uart1"] } })).toMatch(/armbian recipe/);
    expect(refusal({ ...base, board: "odroidc2" })).toMatch(/FIP tools|not built by the debian/);
  });
});

describe("the recipe's scripts", () => {
  it("are valid bash", () => {
    const scripts = {
      downloadScript,
      rootfsScript,
      customizeRootfsScript,
      configureScript,
      assembleScript,
    };
    for (const [name, script] of Object.entries(scripts)) {
      expect(() => execFileSync("bash", ["-n", "-c", script]), name).not.toThrow();
    }
    for (const { path, content } of plan(base).files.filter((f) => f.path === "grow-root")) {
      expect(() => execFileSync("sh", ["-n", "-c", content]), path).not.toThrow();
    }
  });
});

describe("debianRecipe.plan", () => {
  it("is pure: the same input gives the same plan", () => {
    expect(plan(base)).toEqual(plan(base));
  });

  it("derives the image's ids from the config's hash", () => {
    const one = file(plan(base, "a".repeat(64)), "partitions");
    expect(file(plan(base, "a".repeat(64)), "partitions")).toBe(one);
    expect(file(plan(base, "b".repeat(64)), "partitions")).not.toBe(one);
    expect(one).toMatch(/^label: gpt\nlabel-id: [0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab]/);
  });

  it("runs only its own scripts: downloads with the network, everything else without", () => {
    const steps = plan(base).steps;
    expect(steps.map((step) => [step.stage, step.script, step.network, step.cache])).toEqual([
      ["download", downloadScript, "host", true],
      ["rootfs", rootfsScript, "none", true],
      ["configure", configureScript, "none", false],
      ["image", assembleScript, "none", false],
    ]);
    expect(file(plan(base), "customize-rootfs.sh")).toBe(customizeRootfsScript);
    expect(steps.find((step) => step.stage === "rootfs")?.capabilities).toEqual(["SYS_ADMIN"]);
    expect(steps.filter((step) => step.capabilities.length > 0)).toHaveLength(1);
  });

  it("lays out a QEMU arm64 disk: GPT, root at 16 MiB, U-Boot's extlinux", () => {
    const result = plan({ ...base, image: { size: { value: 1, unit: "GiB" } } });
    const image = result.steps.find((step) => step.stage === "image");
    expect(image?.env).toMatchObject({ BOOT: "extlinux", IMAGE_MIB: "1024", ROOT_START_MIB: "16" });
    expect(file(result, "partitions")).toMatch(
      /start=32768, size=2062336, type=L, .*LegacyBIOSBootable/,
    );
    expect(file(result, "cmdline")).toMatch(/^root=UUID=\S+ ro rootwait console=ttyAMA0,115200\n$/);
    expect(file(result, "bootloader-writes")).toBe("");
    expect(result.image.name).toBe("bbos-qemu-arm64-bookworm.img");
    expect(result.packageSet).toMatchObject({
      path: "package-set.sha256",
      name: "bbos-qemu-arm64-bookworm.packages.sha256",
    });
  });

  it("writes a Rockchip board's boot loader at the SoC's offsets on an MBR disk", () => {
    const result = plan({ ...base, board: "rock64" });
    expect(file(result, "boot-packages")).toBe("u-boot-rockchip\n");
    expect(file(result, "bootloader-writes")).toBe(
      "32768 usr/lib/u-boot/rock64-rk3328/idbloader.img\n" +
        "8388608 usr/lib/u-boot/rock64-rk3328/u-boot.itb\n",
    );
    expect(file(result, "partitions")).toMatch(
      /^label: dos\nlabel-id: 0x[0-9a-f]{8}\n.*start=32768, .*type=83, bootable\n$/s,
    );
    expect(result.steps.find((step) => step.stage === "image")?.env.DTB).toBe(
      "rockchip/rk3328-rock64.dtb",
    );
  });

  it("resolves the package set from the base, the variant and the config", () => {
    const packages = (config: object) => file(plan(config), "packages").trim().split("\n");
    const minimal = packages(base);
    expect(minimal).toEqual([...minimal].sort());
    expect(minimal).toEqual(
      expect.arrayContaining(["linux-image-arm64", "openssh-server", "systemd"]),
    );
    expect(packages({ ...base, board: "qemu-amd64" })).toContain("linux-image-amd64");
    const custom = packages({
      ...base,
      os: { ...base.os, variant: "server" },
      system: { ...base.system, ssh: { enabled: false } },
      packages: { install: ["htop"], remove: ["nano"] },
      network: { wifi: { ssid: "lab" } },
    });
    expect(custom).toEqual(expect.arrayContaining(["htop", "less", "wpasupplicant"]));
    expect(custom).not.toContain("nano");
    expect(custom).not.toContain("openssh-server");
  });

  it("installs the package set an earlier build recorded instead of resolving one", () => {
    const recorded = `${"1".repeat(64)}  base-files_12.4+deb12u8_arm64.deb\n`;
    expect(plan(base).files.some((entry) => entry.path === "package-set.sha256")).toBe(false);
    const again = plan(base, "a".repeat(64), { recordedPackageSet: recorded });
    expect(file(again, "package-set.sha256")).toBe(recorded);
    expect(again.steps).toEqual(plan(base).steps);
    expect(downloadScript).toContain("recorded=/work/in/package-set.sha256");
  });

  it("resolves and later updates from the release, its updates and the worker's security archive", () => {
    for (const release of ["bookworm", "trixie"]) {
      const result = plan({
        ...base,
        os: { ...base.os, release },
        build: { options: { mirror: "http://mirror.example/debian" } },
      });
      const sources =
        `deb http://mirror.example/debian ${release} main non-free-firmware\n` +
        `deb http://mirror.example/debian ${release}-updates main non-free-firmware\n` +
        `deb http://security.debian.org/debian-security ${release}-security main non-free-firmware\n`;
      // The download step resolves from this file, and the image gets it as its sources.list.
      expect(file(result, "sources.list")).toBe(sources);
      expect(file(result, "rootfs-settings")).toContain(
        `sources ${sources.trim().replaceAll("\n", " | ")}\n`,
      );
    }
    const internal = plan(base, "a".repeat(64), {
      debianSecurityMirror: "http://mirror.internal/debian-security",
    });
    expect(file(internal, "sources.list")).toContain(
      "deb http://mirror.internal/debian-security bookworm-security main non-free-firmware\n",
    );
    expect(downloadScript).toContain('cp /work/in/sources.list "$state/sources.list"');
    expect(customizeRootfsScript).toContain('cp "$in/sources.list" "$root/etc/apt/sources.list"');
  });

  it("installs console-setup for a keyboard layout other than the console's default US one", () => {
    const packages = (config: object) => file(plan(config), "packages").trim().split("\n");
    const german = { ...base, system: { ...base.system, keyboard: "de" } };
    expect(packages(german)).toEqual(
      expect.arrayContaining(["console-setup", "keyboard-configuration"]),
    );
    for (const config of [base, { ...base, system: { ...base.system, keyboard: "us" } }]) {
      expect(packages(config)).not.toContain("console-setup");
      expect(packages(config)).not.toContain("keyboard-configuration");
    }
    // The rootfs stage writes the layout before the packages are installed, so that
    // keyboard-configuration keeps it; the configure stage leaves the file alone.
    expect(file(plan(german), "keyboard")).toBe(
      'XKBMODEL="pc105"\nXKBLAYOUT="de"\nXKBVARIANT=""\nXKBOPTIONS=""\nBACKSPACE="guess"\n',
    );
    expect(file(plan(base), "keyboard")).toContain('XKBLAYOUT="us"\n');
    expect(plan(german).files.map((entry) => entry.path)).not.toContain(
      "root/etc/default/keyboard",
    );
    expect(rootfsScript).toContain('cp /work/in/keyboard "$1/etc/default/keyboard"');
  });

  it("keys the root filesystem on what shapes it, not on the board's own settings", () => {
    const key = (config: object) => file(plan(config), "rootfs-settings");
    expect(key({ ...base, system: { hostname: "other" } })).toBe(key(base));
    expect(key({ ...base, board: "rock64" })).toBe(key(base));
    expect(key({ ...base, system: { ...base.system, locale: "de_DE.UTF-8" } })).not.toBe(key(base));
    expect(key({ ...base, packages: { remove: ["nano"] } })).not.toBe(key(base));
    expect(key({ ...base, system: { ...base.system, keyboard: "fr" } })).not.toBe(
      key({ ...base, system: { ...base.system, keyboard: "de" } }),
    );
  });

  it("writes users, keys and a key-only sudoer's sudo rule with their owners and modes", () => {
    const result = plan({
      ...base,
      system: {
        ...base.system,
        users: [
          { name: "alice", sudo: true, sshKeys: ["ssh-ed25519 AAAA alice@laptop"] },
          { name: "bob", passwordHash: "$6$salt$hash" },
        ],
      },
    });
    expect(file(result, "users")).toBe("alice\t1000\tyes\nbob\t1001\tno\n");
    expect(file(result, "passwords")).toBe("bob:$6$salt$hash\n");
    expect(file(result, "root/home/alice/.ssh/authorized_keys")).toBe(
      "ssh-ed25519 AAAA alice@laptop\n",
    );
    expect(file(result, "root/etc/sudoers.d/bbos")).toBe("alice ALL=(ALL:ALL) NOPASSWD: ALL\n");
    expect(file(result, "attributes")).toContain("0700\t1000:1000\t/home/alice/.ssh\n");
    expect(file(result, "attributes")).toContain(
      "0600\t1000:1000\t/home/alice/.ssh/authorized_keys\n",
    );
    expect(file(result, "attributes")).toContain("0440\t0:0\t/etc/sudoers.d/bbos\n");
  });

  it("writes static addressing for systemd-networkd", () => {
    const result = plan({
      ...base,
      network: {
        ethernet: {
          mode: "static",
          address: "192.168.1.50/24",
          gateway: "192.168.1.1",
          dns: ["9.9.9.9"],
        },
      },
    });
    expect(file(result, "root/etc/systemd/network/10-ethernet.network")).toBe(
      "[Match]\nName=en* eth*\n\n[Network]\nAddress=192.168.1.50/24\nGateway=192.168.1.1\nDNS=9.9.9.9\n",
    );
  });
});

describe("hostile config values", () => {
  const hostile = "$(touch /tmp/pwned)`id`'\"; rm -rf / #\\";

  it("are refused by validation where they would name things", () => {
    const issues = defaultConfigValidator().validate("board-config/2", {
      ...base,
      system: {
        hostname: "a;reboot",
        users: [{ name: "$(id)", sshKeys: [] }],
      },
      packages: { install: ["foo;rm"], remove: ["bar$(x)"] },
    });
    const paths = issues.valid ? [] : issues.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/system/hostname",
        "/system/users/0/name",
        "/packages/install/0",
        "/packages/remove/0",
      ]),
    );
  });

  it("land verbatim in files, never in a script or an environment variable", () => {
    const config = {
      ...base,
      system: {
        ...base.system,
        users: [{ name: "eve", sshKeys: [`ssh-ed25519 AAAA ${hostile}`] }],
      },
      network: { wifi: { ssid: `$(id)'"\n}\nnetwork={`, psk: `${hostile}pass` } },
      kernel: { cmdline: `quiet ${hostile}` },
    };
    expect(defaultConfigValidator().validate("board-config/2", config).valid).toBe(true);
    const result = plan(config);
    expect(file(result, "root/home/eve/.ssh/authorized_keys")).toBe(
      `ssh-ed25519 AAAA ${hostile}\n`,
    );
    expect(file(result, "cmdline")).toContain(`quiet ${hostile}\n`);
    for (const step of result.steps) {
      expect(step.script).not.toContain("pwned");
      expect(Object.values(step.env).join("\n")).not.toContain("pwned");
    }
    // The SSID goes in as hex and the passphrase as the derived key: nothing to escape.
    const conf = file(result, "root/etc/wpa_supplicant/wpa_supplicant-wlan0.conf");
    expect(conf).toContain(`ssid=${Buffer.from(`$(id)'"\n}\nnetwork={`).toString("hex")}\n`);
    expect(conf.match(/network=\{/g)).toHaveLength(1);
    expect(conf).not.toContain("pwned");
    expect(file(result, "attributes")).toContain(
      "0600\t0:0\t/etc/wpa_supplicant/wpa_supplicant-wlan0.conf\n",
    );
  });

  it("copy extra files to the paths the config names, verbatim, in the config's order", () => {
    const path = `/opt/${hostile} dir/line\nbreak 'quoted'.txt`;
    const config = {
      ...base,
      files: [
        { fileId: "0b6e-motd", path: "/etc/motd" },
        { fileId: "77aa-tool", path, mode: "4750" },
      ],
    };
    expect(defaultConfigValidator().validate("board-config/3", config).valid).toBe(true);
    const result = plan(config);
    expect(file(result, "project-files.list")).toBe(
      `0b6e-motd\x000644\x00/etc/motd\x0077aa-tool\x004750\x00${path}\x00`,
    );
    expect(result.steps).toEqual(plan(base).steps);
    // The configure script reads the list as NUL-separated triples: each field comes back whole.
    const out = execFileSync(
      "bash",
      [
        "-euo",
        "pipefail",
        "-c",
        `while IFS= read -r -d '' id && IFS= read -r -d '' mode && IFS= read -r -d '' path; do printf '[%s|%s|%s]' "$id" "$mode" "$path"; done`,
      ],
      { input: file(result, "project-files.list") },
    ).toString();
    expect(out).toBe(`[0b6e-motd|0644|/etc/motd][77aa-tool|4750|${path}]`);
    expect(configureScript).toContain(
      `while IFS= read -r -d '' id && IFS= read -r -d '' mode && IFS= read -r -d '' path; do`,
    );
  });

  it("reach the configure script's readers as data (real bash)", () => {
    // The readers of the users and attributes files, run on a planned file: every field comes back whole.
    const result = plan({
      ...base,
      system: {
        ...base.system,
        users: [{ name: "eve", sudo: true, sshKeys: [`ssh-ed25519 AAAA ${hostile}`] }],
      },
    });
    const out = execFileSync(
      "bash",
      [
        "-euo",
        "pipefail",
        "-c",
        `while IFS=$'\\t' read -r mode owner path; do printf '[%s|%s|%s]\\n' "$mode" "$owner" "$path"; done`,
      ],
      { input: file(result, "attributes") },
    ).toString();
    expect(out).toContain("[0600|1000:1000|/home/eve/.ssh/authorized_keys]\n");
  });
});

describe("the caches' eviction", () => {
  /** Four 1 MiB entries a.tar … d.tar, used in that order (a longest ago). */
  function writeEntries(dir: string): void {
    for (const [age, name] of ["a", "b", "c", "d"].entries()) {
      const path = join(dir, `${name}.tar`);
      writeFileSync(path, Buffer.alloc(1024 * 1024));
      utimesSync(path, 1_000_000 + age, 1_000_000 + age);
    }
  }

  /** What `evict` (real bash) prints while it brings the .tar entries in `dir` under 2 MiB. */
  const evictTo2MiB = (dir: string) =>
    execFileSync("bash", [
      "-euo",
      "pipefail",
      "-c",
      `${prelude}\nevict "$1" '*.tar' 2`,
      "evict",
      dir,
    ]).toString();

  it("deletes the least recently used entries until the rest fit, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "bbos-evict-"));
    try {
      // Four 1 MiB entries; plus files that are not entries (a partial download, a lock) and so
      // never go.
      writeEntries(dir);
      writeFileSync(join(dir, ".partial-x"), Buffer.alloc(4 * 1024 * 1024));
      writeFileSync(join(dir, "lock"), "");
      expect(evictTo2MiB(dir)).toBe("cache: evicted a.tar (1 MiB)\ncache: evicted b.tar (1 MiB)\n");
      expect(readdirSync(dir).sort()).toEqual([".partial-x", "c.tar", "d.tar", "lock"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps an entry whose lock a build holds, and evicts the next oldest instead", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bbos-evict-"));
    // A build copying a.tar holds a.lock; b.tar's lock is free.
    const holder = spawn("bash", ["-c", 'exec flock "$0" sleep 30', join(dir, "a.lock")]);
    try {
      writeEntries(dir);
      writeFileSync(join(dir, "b.lock"), "");
      const held = () =>
        spawnSync("bash", ["-c", 'flock -n "$0" true', join(dir, "a.lock")]).status === 1;
      await vi.waitFor(() => expect(held()).toBe(true));
      expect(evictTo2MiB(dir)).toBe(
        "cache: kept a.tar, a build is using it\ncache: evicted b.tar (1 MiB)\ncache: evicted c.tar (1 MiB)\n",
      );
      expect(readdirSync(dir).sort()).toEqual(["a.lock", "a.tar", "b.lock", "d.tar"]);
    } finally {
      holder.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the root filesystem cache (cached_tar, real bash and flock)", () => {
  let dir: string;
  let started: ChildProcess[];
  const cache = () => join(dir, "cache");
  const builds = () =>
    existsSync(join(dir, "builds")) ? readFileSync(join(dir, "builds"), "utf8") : "";

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bbos-cached-tar-"));
    started = [];
  });
  afterEach(() => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    const stragglers = join(dir, "stragglers");
    if (existsSync(stragglers)) {
      for (const pid of readFileSync(stragglers, "utf8").trim().split("\n")) {
        process.kill(Number(pid));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * One build's cache step: its fake build notes that it ran, waits until the test writes
   * `release`, then writes its tarball. With `straggler`, it first starts a process that
   * outlives the step, as a stuck helper of a killed build might.
   */
  function step(name: string, { straggler = false } = {}) {
    const out = join(dir, `${name}.tar`);
    const build = `build() {
  ${straggler ? `sleep 30 </dev/null >/dev/null 2>&1 & echo $! >>"$WORK/stragglers"` : ":"}
  echo ${name} >>"$WORK/builds"
  until [ -e "$WORK/release" ]; do sleep 0.02; done
  echo "made by ${name}" >"$OUT"
}`;
    const child = spawn(
      "bash",
      [
        "-euo",
        "pipefail",
        "-c",
        `${prelude}\n${build}\ncached_tar "$WORK/cache" key "$OUT" 64 build`,
      ],
      { env: { ...process.env, WORK: dir, OUT: out } },
    );
    started.push(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | string | null>((resolve) =>
      child.on("exit", (code, signal) => resolve(code ?? signal)),
    );
    return { child, exit, output: () => output, tarball: () => readFileSync(out, "utf8") };
  }

  it("builds a key once when two builds want it at once: the second waits, then copies it", async () => {
    const first = step("first");
    await vi.waitFor(() => expect(builds()).toBe("first\n"));
    const second = step("second");
    await vi.waitFor(() => expect(second.output()).toContain("another build is making key"));
    writeFileSync(join(dir, "release"), "");
    expect(await first.exit).toBe(0);
    expect(await second.exit).toBe(0);
    expect(builds()).toBe("first\n");
    expect(first.tarball()).toBe("made by first\n");
    expect(second.tarball()).toBe("made by first\n");
    expect(second.output()).toContain("cache: key from the cache, made by the build waited for\n");
    expect(readdirSync(cache()).sort()).toEqual([".lock", "key.lock", "key.tar"]);
  });

  it("lets a waiting build make the key itself when the build it waited for is killed", async () => {
    const first = step("first", { straggler: true });
    await vi.waitFor(() => expect(builds()).toBe("first\n"));
    const second = step("second");
    await vi.waitFor(() => expect(second.output()).toContain("another build is making key"));
    first.child.kill("SIGKILL");
    expect(await first.exit).toBe("SIGKILL");
    await vi.waitFor(() => expect(builds()).toBe("first\nsecond\n"));
    writeFileSync(join(dir, "release"), "");
    expect(await second.exit).toBe(0);
    expect(second.tarball()).toBe("made by second\n");
    expect(readFileSync(join(cache(), "key.tar"), "utf8")).toBe("made by second\n");
  });

  it("sweeps the lock files of keys without a tarball that no build holds", async () => {
    const cacheDir = cache();
    mkdirSync(cacheDir);
    for (const name of ["failed.lock", "evicted.lock", "kept.lock", "kept.tar", "held.lock"]) {
      writeFileSync(join(cacheDir, name), "");
    }
    // Another build holds its key's lock while it builds.
    const held = join(cacheDir, "held.lock");
    started.push(spawn("bash", ["-c", 'exec 9>>"$0" && flock 9 && exec sleep 30', held]));
    await vi.waitFor(() =>
      expect(() => execFileSync("bash", ["-c", 'flock -n "$0" true', held])).toThrow(),
    );
    writeFileSync(join(dir, "release"), "");
    expect(await step("only").exit).toBe(0);
    expect(readdirSync(cacheDir).sort()).toEqual([
      ".lock",
      "held.lock",
      "kept.lock",
      "kept.tar",
      "key.lock",
      "key.tar",
    ]);
  });
});

describe("wpaSupplicantConf", () => {
  it("derives the PSK as wpa_passphrase does (PBKDF2-SHA1, 4096 rounds, SSID as salt)", () => {
    // IEEE 802.11i test vector: passphrase "password", SSID "IEEE".
    expect(pbkdf2Sync("password", "IEEE", 4096, 32, "sha1").toString("hex")).toBe(
      "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e",
    );
    expect(wpaSupplicantConf("IEEE", "password", "DE")).toBe(
      "ctrl_interface=DIR=/run/wpa_supplicant\ncountry=DE\nnetwork={\n\tssid=49454545\n" +
        "\tpsk=f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e\n\tkey_mgmt=WPA-PSK\n}\n",
    );
    expect(wpaSupplicantConf("open")).toContain("\tkey_mgmt=NONE\n");
  });
});
