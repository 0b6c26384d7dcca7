import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { configFileText } from "./compile-settings.ts";
import { customizeImageScript } from "./customize-image.ts";
import { netplanFile, yamlString } from "./netplan.ts";
import { shellQuote } from "./shell-quote.ts";
import {
  armbianConfig,
  fileOf,
  HOSTILE,
  planOf,
  removeTempDirs,
  runBash,
  writeFiles,
} from "./test-helpers.ts";

afterAll(removeTempDirs);

const OVERLAY = "armbian/userpatches/overlay/bbos";

/** The data-reading functions of customize-image.sh, to read the files exactly as it does. */
function readers(): string {
  const value = /^value\(\) .*$/m.exec(customizeImageScript)?.[0];
  const list = /^list\(\) .*$/m.exec(customizeImageScript)?.[0];
  if (!value || !list) throw new Error("customize-image.sh has no value() or list()");
  return `data="$DATA"\n${value}\n${list}\n`;
}

describe("shellQuote", () => {
  it("gives bash back every hostile string verbatim, in a sourced config file", () => {
    const settings = [...HOSTILE].map((value, index): [string, string] => [`V${index}`, value]);
    const dir = writeFiles([{ path: "config-bbos.conf", content: configFileText(settings) }]);
    const names = settings.map(([name]) => `"$${name}"`).join(" ");
    const result = runBash(
      `touch() { echo "touch ran" >&2; }; id() { echo "id ran" >&2; }; rm() { echo "rm ran" >&2; }
f() { source ./config-bbos.conf; }; f; printf '%s\\0' ${names}`,
      { cwd: dir },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(HOSTILE);
  });

  it("quotes as one word and refuses NUL", () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("")).toBe("''");
    expect(() => shellQuote("a\0b")).toThrow(/NUL/);
  });
});

describe("the customize-image data files", () => {
  const hostileConfig = armbianConfig({
    system: {
      hostname: HOSTILE[0],
      locale: HOSTILE[1],
      timezone: HOSTILE[2],
      keyboard: HOSTILE[3],
      users: [
        {
          name: "$(touch /tmp/pwned)",
          sudo: true,
          sshKeys: ["ssh-ed25519 AAAA $(touch /tmp/pwned)", "ssh-rsa AAAA '; rm -rf / #"],
          passwordHash: "$6$salt$`id`",
        },
        { name: "line\nbreak" },
      ],
    },
    packages: { install: [...HOSTILE], remove: ["`id`", "'; rm -rf / #"] },
    kernel: { cmdline: HOSTILE[4], overlays: ["$(id)", "a b"] },
    files: [
      { fileId: "0b6e-motd", path: "/etc/motd" },
      { fileId: "77aa-tool", path: `/opt/${HOSTILE[0]}/${HOSTILE[4]}`, mode: "0755" },
    ],
  });

  it("hold every hostile value verbatim, as customize-image.sh reads them", () => {
    const plan = planOf(hostileConfig);
    const dir = writeFiles(plan.files);
    const read = (script: string) => {
      const result = runBash(readers() + script, { env: { DATA: join(dir, OVERLAY) } });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      return result.stdout;
    };
    const single = (file: string) => read(`value v ${file}; printf '%s' "$v"`);
    const many = (file: string) =>
      read(`list v ${file}; (( \${#v[@]} == 0 )) || printf '%s\\0' "\${v[@]}"`)
        .split("\0")
        .slice(0, -1);
    expect(single("hostname")).toBe(HOSTILE[0]);
    expect(single("locale")).toBe(HOSTILE[1]);
    expect(single("timezone")).toBe(HOSTILE[2]);
    expect(single("keyboard")).toBe(HOSTILE[3]);
    expect(single("kernel-cmdline")).toBe(HOSTILE[4]);
    expect(many("kernel-overlays")).toEqual(["$(id)", "a b"]);
    expect(many("packages-install")).toEqual([...HOSTILE, "openssh-server"]);
    expect(many("packages-remove")).toEqual(["`id`", "'; rm -rf / #"]);
    expect(single("users/count")).toBe("2");
    expect(single("users/0/name")).toBe("$(touch /tmp/pwned)");
    expect(single("users/0/sudo")).toBe("yes");
    expect(single("users/0/password-hash")).toBe("$6$salt$`id`");
    expect(many("users/0/ssh-keys")).toEqual([
      "ssh-ed25519 AAAA $(touch /tmp/pwned)",
      "ssh-rsa AAAA '; rm -rf / #",
    ]);
    expect(single("users/1/name")).toBe("line\nbreak");
    expect(single("users/1/sudo")).toBe("no");
    expect(many("users/1/ssh-keys")).toEqual([]);
    expect(many("project-files.list")).toEqual([
      ...["0b6e-motd", "0644", "/etc/motd"],
      ...["77aa-tool", "0755", `/opt/${HOSTILE[0]}/${HOSTILE[4]}`],
    ]);
  });

  it("bring the project files beside the data, where the script installs them from", () => {
    const build = planOf(hostileConfig).steps.find((step) => step.stage === "kernel")?.script;
    expect(build).toContain("cp -a in/project-files armbian/userpatches/overlay/bbos/");
    expect(customizeImageScript).toContain(
      'install -D -o root -g root -m "$mode" -- "$data/project-files/$id" "$path"',
    );
  });

  it("are only data: the script is the same text for every config", () => {
    const plain = fileOf(planOf(armbianConfig()), "armbian/userpatches/customize-image.sh");
    const hostile = fileOf(planOf(hostileConfig), "armbian/userpatches/customize-image.sh");
    expect(hostile).toBe(plain);
    expect(plain).toBe(customizeImageScript);
  });

  it("is a script bash can parse", () => {
    const dir = writeFiles([{ path: "customize-image.sh", content: customizeImageScript }]);
    const result = spawnSync("bash", ["-n", join(dir, "customize-image.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("the netplan file", () => {
  it("parses back to each hostile string (JSON-compatible escapes only)", () => {
    for (const value of HOSTILE) expect(JSON.parse(yamlString(value))).toBe(value);
    expect(yamlString("\u0085\u2029\ufeff")).toBe('"\\u0085\\u2029\\ufeff"');
  });

  it("carries a hostile SSID and passphrase verbatim through a YAML parser", () => {
    const ssid = "$(touch /tmp/pwned)'; rm -rf / #\n`id`: {x}";
    const psk = "p'a\"s s\\w #:d";
    const network = {
      ethernet: {
        mode: "static" as const,
        address: "192.168.1.50/24",
        gateway: "192.168.1.1",
        dns: ["9.9.9.9"],
      },
      wifi: { ssid, psk, country: "DE" },
    };
    const text = netplanFile(network);
    if (text === null) throw new Error("no netplan file");
    const plan = planOf(armbianConfig({ network }));
    expect(fileOf(plan, `${OVERLAY}/netplan.yaml`)).toBe(text);
    // PyYAML follows YAML 1.1, like netplan's libyaml; skip where python3-yaml is missing.
    const python = spawnSync(
      "python3",
      ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))"],
      { input: text, encoding: "utf8" },
    );
    if (
      python.status !== 0 &&
      /No module named|ENOENT/.test(`${python.stderr}${String(python.error)}`)
    )
      return;
    expect(python.stderr).toBe("");
    expect(JSON.parse(python.stdout)).toEqual({
      network: {
        version: 2,
        ethernets: {
          "all-eth-interfaces": {
            match: { name: "e*" },
            dhcp4: false,
            dhcp6: false,
            addresses: ["192.168.1.50/24"],
            routes: [{ to: "default", via: "192.168.1.1" }],
            nameservers: { addresses: ["9.9.9.9"] },
          },
        },
        wifis: {
          "bbos-wifi": {
            match: { name: "wl*" },
            dhcp4: true,
            "regulatory-domain": "DE",
            "access-points": { [ssid]: { password: psk } },
          },
        },
      },
    });
  });

  it("is left out when the config keeps Armbian's DHCP defaults", () => {
    expect(netplanFile(undefined)).toBeNull();
    expect(netplanFile({ ethernet: { mode: "dhcp" } })).toBeNull();
    const plan = planOf(armbianConfig());
    expect(plan.files.some((file) => file.path.endsWith("netplan.yaml"))).toBe(false);
  });
});
