import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import {
  DEFAULT_DEBIAN_MIRROR,
  DEFAULT_DEBIAN_SECURITY_MIRROR,
  detectDebianMirror,
  detectDebianSecurityMirror,
  mirrorFromDeb822,
  mirrorFromSourcesList,
} from "./apt-mirror.ts";

// As on these machines: the Node.js repository comes first, the security archive (suite
// bookworm-security, which is not bookworm) last.
const NODESOURCE = `Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
Architectures: amd64
Signed-By: /usr/share/keyrings/nodesource.gpg
`;
const DEBIAN = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.org/debian-security
Suites: bookworm-security
Components: main
`;

describe("mirrorFromDeb822", () => {
  it("takes the entry whose suites include the release, not the first URI", () => {
    expect(mirrorFromDeb822(`${NODESOURCE}\n${DEBIAN}`, "bookworm")).toBe(
      "http://mirror.example.org/debian",
    );
  });

  it("does not take bookworm-security for bookworm, nor disabled or deb-src entries", () => {
    const text = `Types: deb
URIs: http://security.example.org/debian-security
Suites: bookworm-security

Types: deb
URIs: http://disabled.example.org/debian
Suites: bookworm
Enabled: no

Types: deb-src
URIs: http://source.example.org/debian
Suites: bookworm
`;
    expect(mirrorFromDeb822(text, "bookworm")).toBeNull();
  });

  it("reads multi-line fields and skips URIs debootstrap cannot use", () => {
    const text =
      "Types: deb\nURIs: mirror+file:/etc/apt/mirrors.txt\n https://m.example.org/debian\nSuites:\n bookworm\n";
    expect(mirrorFromDeb822(text, "bookworm")).toBe("https://m.example.org/debian");
  });
});

describe("mirrorFromSourcesList", () => {
  it("takes the deb line for the release, options in brackets allowed", () => {
    const text = [
      "# deb http://commented.example.org/debian bookworm main",
      "deb-src http://source.example.org/debian bookworm main",
      "deb http://security.example.org/debian-security bookworm-security main",
      "deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://m.example.org/debian/ bookworm main",
    ].join("\n");
    expect(mirrorFromSourcesList(text, "bookworm")).toBe("http://m.example.org/debian");
  });
});

describe("detectDebianMirror", () => {
  let aptDir: string | undefined;
  afterEach(async () => {
    if (aptDir) await rm(aptDir, { recursive: true, force: true });
  });

  async function fixture(files: Record<string, string>): Promise<string> {
    aptDir = await mkdtemp(join(tmpdir(), "bbos-apt-"));
    await mkdir(join(aptDir, "sources.list.d"));
    for (const [name, text] of Object.entries(files)) await writeFile(join(aptDir, name), text);
    return aptDir;
  }

  it("reads the deb822 files in name order, skipping the Node.js one that sorts first", async () => {
    const dir = await fixture({
      "sources.list.d/00-nodesource.sources": NODESOURCE,
      "sources.list.d/debian.sources": DEBIAN,
      "sources.list.d/nodesource.sources.disabled": DEBIAN.replace("mirror.", "wrong."),
    });
    await expect(detectDebianMirror("bookworm", dir)).resolves.toBe(
      "http://mirror.example.org/debian",
    );
  });

  it("falls back to sources.list, then to deb.debian.org", async () => {
    const dir = await fixture({
      "sources.list.d/nodesource.sources": NODESOURCE,
      "sources.list": "deb http://old.example.org/debian bookworm main\n",
    });
    await expect(detectDebianMirror("bookworm", dir)).resolves.toBe(
      "http://old.example.org/debian",
    );
    await expect(detectDebianMirror("trixie", dir)).resolves.toBe(DEFAULT_DEBIAN_MIRROR);
  });

  it("finds the security archive in the release's -security entry, else security.debian.org", async () => {
    const dir = await fixture({ "sources.list.d/debian.sources": DEBIAN });
    await expect(detectDebianSecurityMirror("bookworm", dir)).resolves.toBe(
      "http://security.example.org/debian-security",
    );
    await expect(detectDebianSecurityMirror("trixie", dir)).resolves.toBe(
      DEFAULT_DEBIAN_SECURITY_MIRROR,
    );
  });
});
