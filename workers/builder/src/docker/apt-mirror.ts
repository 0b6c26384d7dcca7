import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** The mirror used when apt's configuration names none for the release. */
export const DEFAULT_DEBIAN_MIRROR = "http://deb.debian.org/debian";
/** The security archive used when apt's configuration names none for `<release>-security`. */
export const DEFAULT_DEBIAN_SECURITY_MIRROR = "http://security.debian.org/debian-security";

// debootstrap fetches over these; apt-only methods (mirror+file:, cdrom:, tor+http:) are skipped.
const USABLE_URI = /^(https?|file):/;

/**
 * The archive URI of the first deb822 stanza (a `*.sources` file) that is an enabled `deb` entry
 * whose `Suites:` include `release` exactly (`bookworm-security` does not count for
 * `bookworm`), or `null`. Other entries (e.g. the Node.js repository, suite `nodistro`) are
 * skipped however early they come.
 */
export function mirrorFromDeb822(text: string, release: string): string | null {
  for (const stanza of parseDeb822(text)) {
    if (stanza.get("enabled")?.toLowerCase() === "no") continue;
    if (!words(stanza.get("types")).includes("deb")) continue;
    if (!words(stanza.get("suites")).includes(release)) continue;
    const uri = words(stanza.get("uris")).find((candidate) => USABLE_URI.test(candidate));
    if (uri) return withoutTrailingSlash(uri);
  }
  return null;
}

/**
 * The archive URI of the first one-line `deb` entry (sources.list format, options in brackets
 * allowed) for `release`, or `null`.
 */
export function mirrorFromSourcesList(text: string, release: string): string | null {
  for (const rawLine of text.split("\n")) {
    const line = rawLine.replace(/#.*/, "").trim();
    if (!line.startsWith("deb ") && !line.startsWith("deb\t")) continue;
    const rest = line
      .slice(3)
      .trim()
      .replace(/^\[[^\]]*\]\s*/, "");
    const [uri, suite] = rest.split(/\s+/);
    if (uri && suite === release && USABLE_URI.test(uri)) return withoutTrailingSlash(uri);
  }
  return null;
}

/**
 * The Debian archive apt on this host uses for `release`, read from apt's configuration in
 * `aptDir`: deb822 entries in `sources.list.d/*.sources` first, then `sources.list`, then
 * `sources.list.d/*.list` (files in name order, as apt reads them); {@link DEFAULT_DEBIAN_MIRROR}
 * when none names the release. Unreadable or missing files count as empty.
 */
export function detectDebianMirror(release: string, aptDir = "/etc/apt"): Promise<string> {
  return detectArchive(release, DEFAULT_DEBIAN_MIRROR, aptDir);
}

/**
 * The security archive apt on this host uses for `release`, read as {@link detectDebianMirror}
 * reads the archive, from the entry for `<release>-security`; ordinary mirrors do not carry it.
 * {@link DEFAULT_DEBIAN_SECURITY_MIRROR} when none names that suite.
 */
export function detectDebianSecurityMirror(release: string, aptDir = "/etc/apt"): Promise<string> {
  return detectArchive(`${release}-security`, DEFAULT_DEBIAN_SECURITY_MIRROR, aptDir);
}

async function detectArchive(release: string, fallback: string, aptDir: string): Promise<string> {
  const listDir = join(aptDir, "sources.list.d");
  const names = (await readdir(listDir).catch(() => [] as string[])).sort();
  const candidates: [string, typeof mirrorFromDeb822][] = [
    ...names
      .filter((name) => name.endsWith(".sources"))
      .map((name): [string, typeof mirrorFromDeb822] => [join(listDir, name), mirrorFromDeb822]),
    [join(aptDir, "sources.list"), mirrorFromSourcesList],
    ...names
      .filter((name) => name.endsWith(".list"))
      .map((name): [string, typeof mirrorFromDeb822] => [
        join(listDir, name),
        mirrorFromSourcesList,
      ]),
  ];
  for (const [path, parse] of candidates) {
    // A file that cannot be read gives no mirror, like an empty one; the next file may.
    const text = await readFile(path, "utf8").catch(() => "");
    const mirror = parse(text, release);
    if (mirror) return mirror;
  }
  return fallback;
}

/** deb822 stanzas as maps from lower-cased field name to value (continuation lines joined). */
function parseDeb822(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let field: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("#")) continue;
    if (line.trim() === "") {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      field = null;
    } else if (/^\s/.test(line) && field !== null) {
      current.set(field, `${current.get(field) ?? ""} ${line.trim()}`);
    } else {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      field = line.slice(0, colon).trim().toLowerCase();
      current.set(field, line.slice(colon + 1).trim());
    }
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}

function words(value: string | undefined): string[] {
  return value?.split(/\s+/).filter(Boolean) ?? [];
}

function withoutTrailingSlash(uri: string): string {
  return uri.replace(/\/+$/, "");
}
