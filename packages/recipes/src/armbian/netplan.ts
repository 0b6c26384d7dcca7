// The image's network settings as a netplan file. Armbian configures both of its network stacks
// (systemd-networkd for minimal images, NetworkManager otherwise) through netplan, with its own
// files in /etc/netplan/ (armbian/build: extensions/network/config-*/netplan/); this one is
// installed beside them as 90-bbos.yaml and merged over them.
import type { BoardConfigV2 } from "@bbos/schemas";

/**
 * `value` as a YAML double-quoted scalar that parses back to exactly `value`. Only `\"`, `\\`
 * and `\uXXXX` escapes are used (the same in YAML 1.1, 1.2 and JSON), for every character YAML
 * would fold, drop or reject: controls, DEL and C1, U+2028/U+2029 (line breaks in YAML 1.1), the
 * BOM and the non-characters U+FFFE/U+FFFF. Everything else is written as it is.
 */
export function yamlString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0xfeff ||
      code === 0xfffe ||
      code === 0xffff
    ) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else out += char;
  }
  return `${out}"`;
}

/**
 * The netplan file for `network`, or null when the config wants Armbian's defaults (DHCP on
 * every wired port, no Wi-Fi). A static address overrides Armbian's `all-eth-interfaces`
 * definition (same id, so netplan merges it), which matches the ports named `e*`.
 */
export function netplanFile(network: BoardConfigV2["network"]): string | null {
  const ethernet = network?.ethernet;
  const wifi = network?.wifi;
  const staticEthernet = ethernet?.mode === "static" && ethernet.address !== undefined;
  if (!staticEthernet && !wifi) return null;
  const lines = ["# Written by BBOS from the board config.", "network:", "  version: 2"];
  if (staticEthernet) {
    lines.push(
      "  ethernets:",
      "    all-eth-interfaces:",
      "      match:",
      '        name: "e*"',
      "      dhcp4: false",
      "      dhcp6: false",
      `      addresses: [${yamlString(ethernet.address ?? "")}]`,
    );
    if (ethernet.gateway) {
      lines.push(
        "      routes:",
        `        - to: default`,
        `          via: ${yamlString(ethernet.gateway)}`,
      );
    }
    const dns = ethernet.dns ?? [];
    if (dns.length > 0) {
      lines.push("      nameservers:", `        addresses: [${dns.map(yamlString).join(", ")}]`);
    }
  }
  if (wifi) {
    lines.push(
      "  wifis:",
      "    bbos-wifi:",
      "      match:",
      '        name: "wl*"',
      "      dhcp4: true",
    );
    if (wifi.country) lines.push(`      regulatory-domain: ${yamlString(wifi.country)}`);
    lines.push("      access-points:");
    lines.push(
      wifi.psk === undefined
        ? `        ${yamlString(wifi.ssid)}: {}`
        : `        ${yamlString(wifi.ssid)}:\n          password: ${yamlString(wifi.psk)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
