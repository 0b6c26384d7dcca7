// What a config puts into the image, as files: the plan writes them under /work/in, the scripts
// copy them. Every value lands in a file as data; none is ever part of a script.
import { pbkdf2Sync } from "node:crypto";

import type { BoardConfigV2 } from "@bbos/schemas";

/** A file of the image: its absolute path, content, mode and owner (`uid:gid`). */
export interface ImageFile {
  path: string;
  content: string;
  mode: string;
  owner: string;
}

/** What the configure stage applies to the root filesystem. */
export interface ImageSettings {
  files: ImageFile[];
  /** Directories the files need with a mode or owner of their own (e.g. `~/.ssh`). */
  directories: ImageFile[];
  /** Symbolic links: path → target. */
  links: [string, string][];
  /** `name \t uid \t yes|no` (sudo) lines. */
  users: string;
  /** `name:hash` lines for `chpasswd --encrypted`. */
  passwords: string;
}

const FIRST_UID = 1000;

/** The files, links and users that `config` asks for; `rootUuid` is the root file system's. */
export function imageSettings(config: BoardConfigV2, rootUuid: string): ImageSettings {
  const system = config.system;
  const hostname = system.hostname;
  const files: ImageFile[] = [
    file("/etc/hostname", `${hostname}\n`),
    file(
      "/etc/hosts",
      `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
    ),
    file("/etc/fstab", `UUID=${rootUuid}\t/\text4\tdefaults,errors=remount-ro\t0\t1\n`),
    file("/etc/timezone", `${system.timezone ?? "Etc/UTC"}\n`),
    ...networkFiles(config),
  ];
  const directories: ImageFile[] = [];
  const links: [string, string][] = [
    ["/etc/localtime", `/usr/share/zoneinfo/${system.timezone ?? "Etc/UTC"}`],
  ];
  if (config.network?.wifi) {
    links.push([
      "/etc/systemd/system/multi-user.target.wants/wpa_supplicant@wlan0.service",
      "/lib/systemd/system/wpa_supplicant@.service",
    ]);
  }

  const ssh = system.ssh ?? {};
  if (ssh.enabled ?? true) {
    files.push(
      file(
        "/etc/ssh/sshd_config.d/bbos.conf",
        [
          `Port ${ssh.port ?? 22}`,
          `PasswordAuthentication ${ssh.passwordAuthentication ? "yes" : "no"}`,
          `PermitRootLogin ${ssh.permitRootLogin ?? "no"}`,
          "",
        ].join("\n"),
      ),
    );
  }

  const users = system.users ?? [];
  const sudoWithoutPassword: string[] = [];
  for (const [index, user] of users.entries()) {
    const id = FIRST_UID + index;
    const owner = `${id}:${id}`;
    const keys = user.sshKeys ?? [];
    if (keys.length > 0) {
      directories.push({ path: `/home/${user.name}/.ssh`, content: "", mode: "0700", owner });
      files.push({
        path: `/home/${user.name}/.ssh/authorized_keys`,
        content: keys.map((key) => `${key}\n`).join(""),
        mode: "0600",
        owner,
      });
    }
    // A sudoer who logs in with keys only has no password to give sudo.
    if (user.sudo && !user.passwordHash) sudoWithoutPassword.push(user.name);
  }
  if (sudoWithoutPassword.length > 0) {
    files.push({
      path: "/etc/sudoers.d/bbos",
      content: sudoWithoutPassword.map((name) => `${name} ALL=(ALL:ALL) NOPASSWD: ALL\n`).join(""),
      mode: "0440",
      owner: "0:0",
    });
  }
  return {
    files,
    directories,
    links,
    users: users
      .map((user, index) => `${user.name}\t${FIRST_UID + index}\t${user.sudo ? "yes" : "no"}\n`)
      .join(""),
    passwords: users
      .filter((user) => user.passwordHash)
      .map((user) => `${user.name}:${user.passwordHash}\n`)
      .join(""),
  };
}

/**
 * /etc/default/keyboard for an XKB layout. The rootfs stage puts it in place before packages are
 * installed: keyboard-configuration then takes its values (into debconf too) instead of its
 * defaults, and console-setup compiles the console keymap from it.
 */
export function keyboardDefaults(layout: string): string {
  return `XKBMODEL="pc105"\nXKBLAYOUT="${layout}"\nXKBVARIANT=""\nXKBOPTIONS=""\nBACKSPACE="guess"\n`;
}

function file(path: string, content: string): ImageFile {
  return { path, content, mode: "0644", owner: "0:0" };
}

/** systemd-networkd units for the wired port and, with Wi-Fi, wpa_supplicant's config. */
function networkFiles(config: BoardConfigV2): ImageFile[] {
  const ethernet = config.network?.ethernet ?? {};
  const wired =
    ethernet.mode === "static" && ethernet.address
      ? [
          `Address=${ethernet.address}`,
          ...(ethernet.gateway ? [`Gateway=${ethernet.gateway}`] : []),
          ...(ethernet.dns ?? []).map((server) => `DNS=${server}`),
        ]
      : ["DHCP=yes"];
  const files = [
    file(
      "/etc/systemd/network/10-ethernet.network",
      `[Match]\nName=en* eth*\n\n[Network]\n${wired.join("\n")}\n`,
    ),
  ];
  const wifi = config.network?.wifi;
  if (wifi) {
    files.push(
      file("/etc/systemd/network/20-wifi.network", "[Match]\nName=wl*\n\n[Network]\nDHCP=yes\n"),
    );
    files.push({
      path: "/etc/wpa_supplicant/wpa_supplicant-wlan0.conf",
      content: wpaSupplicantConf(wifi.ssid, wifi.psk, wifi.country),
      mode: "0600",
      owner: "0:0",
    });
  }
  return files;
}

/**
 * wpa_supplicant's network block with the SSID as hex and the pre-shared key already derived
 * (PBKDF2-SHA1 of the passphrase, salted with the SSID, as wpa_passphrase does): neither quotes
 * nor backslashes in either can change the file's meaning.
 */
export function wpaSupplicantConf(ssid: string, passphrase?: string, country?: string): string {
  const ssidBytes = Buffer.from(ssid, "utf8");
  const security = passphrase
    ? [
        `\tpsk=${pbkdf2Sync(passphrase, ssidBytes, 4096, 32, "sha1").toString("hex")}`,
        "\tkey_mgmt=WPA-PSK",
      ]
    : ["\tkey_mgmt=NONE"];
  return [
    "ctrl_interface=DIR=/run/wpa_supplicant",
    ...(country ? [`country=${country}`] : []),
    "network={",
    `\tssid=${ssidBytes.toString("hex")}`,
    ...security,
    "}",
    "",
  ].join("\n");
}
