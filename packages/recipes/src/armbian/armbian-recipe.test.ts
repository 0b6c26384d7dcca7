import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { boardCatalogue, type BoardConfigV2 } from "@bbos/schemas";
import factsJson from "@bbos/schemas/armbian-facts.json" with { type: "json" };
import { afterAll, describe, expect, it } from "vitest";

import type { JsonObject, JsonValue, RecipeStep } from "@bbos/core/build";

import { armbianFramework, armbianRecipe } from "./armbian-recipe.ts";
import { armbianSettings } from "./compile-settings.ts";
import {
  armbianConfig,
  fileOf,
  planOf,
  removeTempDirs,
  runBash,
  tempDir,
  writeFiles,
} from "./test-helpers.ts";

afterAll(removeTempDirs);

/**
 * Facts read from armbian/build at the pinned revision: schemas/armbian-facts.json, the file the
 * board catalogue is generated from (schemas/README.md, "Catalogue facts").
 */
interface Facts {
  repository: string;
  revision: string;
  facts: { subject: string; fact: string; value: unknown; source: string }[];
}
const facts: Facts = factsJson;
const fact = (subject: string, name: string) =>
  facts.facts.find((entry) => entry.subject === subject && entry.fact === name);

/** The releases the recipe offers, and every release armbian/build knows. */
const offeredReleases = boardCatalogue.releases.armbian;
const knownReleases = Object.keys(boardCatalogue.releaseSupport.armbian);

const armbianBoards = boardCatalogue.boards.filter((board) => board.recipes.includes("armbian"));

function stepOf(stage: string): RecipeStep {
  const step = planOf(armbianConfig()).steps.find((entry) => entry.stage === stage);
  if (!step) throw new Error(`no ${stage} step`);
  return step;
}

describe("armbianRecipe.supports", () => {
  it("accepts every catalogue board that lists armbian, with each of its branches", () => {
    for (const board of armbianBoards) {
      for (const branch of board.branches) {
        const config = armbianConfig({
          board: board.id,
          os: { release: "bookworm", branch, variant: "server" },
        });
        expect(armbianRecipe.supports(config), `${board.id} ${branch}`).toEqual({ ok: true });
      }
    }
    const withFiles = armbianConfig({ files: [{ fileId: "f1", path: "/etc/motd" }] });
    expect(armbianRecipe.supports(withFiles)).toEqual({ ok: true });
  });

  it("refuses boards, branches and releases Armbian does not build, saying why", () => {
    const refuse = (overrides: Record<string, JsonValue>) => {
      const verdict = armbianRecipe.supports(armbianConfig(overrides));
      if (verdict.ok) throw new Error("accepted");
      return verdict.reason;
    };
    expect(refuse({ board: "no-such-board" })).toBe(
      'the board "no-such-board" is not in the catalogue',
    );
    expect(refuse({ board: "qemu-arm64" })).toMatch(
      /is not built with Armbian \(the catalogue lists: debian\)/,
    );
    expect(refuse({ os: { release: "trixie", branch: "legacy", variant: "server" } })).toBe(
      'Armbian offers the current, edge, vendor kernel branches for Rock 5B, not "legacy"',
    );
    const unoffered = knownReleases.find((release) => !offeredReleases.includes(release));
    if (unoffered === undefined) throw new Error("the catalogue offers every Armbian release");
    expect(refuse({ os: { release: unoffered, branch: "current", variant: "server" } })).toBe(
      `the armbian recipe builds ${offeredReleases.join(", ")}, not ${unoffered}`,
    );
  });
});

describe("armbianRecipe.plan", () => {
  it("is pure: the same input gives an equal plan, and the input is not changed", () => {
    const config = armbianConfig({
      os: { release: "noble", branch: "edge", variant: "desktop", desktop: "gnome" },
      system: {
        hostname: "lab",
        users: [{ name: "alice", sudo: true, sshKeys: ["ssh-ed25519 AAAA alice@laptop"] }],
      },
      network: { wifi: { ssid: "home", psk: "secretpass" } },
      build: { recipe: "armbian", options: { extensions: ["v4l2loopback-dkms"] } },
    });
    const before = structuredClone(config);
    const first = planOf(config);
    expect(planOf(structuredClone(config))).toEqual(first);
    expect(planOf(config)).not.toBe(first);
    expect(config).toEqual(before);
  });

  it("runs fetch, host preparation, the build and the hand-over in the recipe's stages", () => {
    const plan = planOf(armbianConfig());
    // Only the compile.sh run (loop devices, mounts) needs a privileged container.
    const privileged = (step: RecipeStep) => step.privileged === true;
    expect(
      plan.steps.map((step) => [step.stage, step.network, step.cache, privileged(step)]),
    ).toEqual([
      ["fetch", "host", false, false],
      ["host-prepare", "host", false, false],
      ["kernel", "host", false, true],
      ["image", "none", false, false],
    ]);
    expect(plan.steps.filter(privileged)).toEqual([stepOf("kernel")]);
    expect(stepOf("kernel").script).toContain("./compile.sh build");
    const ids = armbianRecipe.stages.map((stage) => stage.id);
    for (const step of plan.steps) expect(ids).toContain(step.stage);
    expect(stepOf("kernel").capabilities).toEqual(["SYS_ADMIN", "MKNOD", "SYS_PTRACE"]);
    expect(stepOf("fetch").env).toEqual({
      ARMBIAN_REPOSITORY: "https://github.com/armbian/build",
      ARMBIAN_REVISION: facts.revision,
    });
    expect(plan.image).toEqual({
      path: "disk.img",
      name: "bbos-rock-5b-trixie-armbian-current.img",
      contentType: "application/octet-stream",
    });
    // Every script is fixed text: config values only reach them as files.
    const hostile = planOf(
      armbianConfig({
        system: { hostname: "x", users: [{ name: "$(id)" }] },
        packages: { install: ["`id`"] },
      }),
    );
    expect(hostile.steps).toEqual(plan.steps);
  });

  it("runs compile.sh with the data file's arguments as one array, never as script text", () => {
    const build = stepOf("kernel").script;
    expect(build).toContain("mapfile -t args < in/armbian/compile-args");
    expect(build).toContain('./compile.sh build "${args[@]}"');
    const plan = planOf(armbianConfig());
    const dir = writeFiles(plan.files);
    const result = runBash(`mapfile -t args < armbian/compile-args; printf '%s\\0' "\${args[@]}"`, {
      cwd: dir,
    });
    const args = result.stdout.split("\0").slice(0, -1);
    expect(args).toEqual(["bbos", "ALLOW_ROOT=yes", "PREFER_DOCKER=no", "SHARE_LOG=no"]);
    // compile.sh takes a NAME=value argument's value after the last "=".
    for (const arg of args) expect(arg.split("=").length).toBeLessThanOrEqual(2);
    expect(fileOf(plan, "armbian/userpatches/config-bbos.conf")).toContain(
      "declare -g BOARD='rock-5b'",
    );
  });

  // Hundreds of configs, each sourced by bash: seconds, more on a busy machine.
  it("names a real board, branch, release and extensions of armbian/build at the pinned revision", () => {
    expect(armbianFramework).toEqual({ repository: facts.repository, revision: facts.revision });
    const extensions = fact("extensions", "names")?.value ?? [];
    const configs: JsonObject[] = [];
    for (const board of armbianBoards) {
      for (const branch of board.branches) {
        for (const release of offeredReleases) {
          configs.push(
            armbianConfig({
              board: board.id,
              os: { release, branch, variant: "minimal" },
              build: { recipe: "armbian", options: { extensions: ["v4l2loopback-dkms", "zfs"] } },
            }),
          );
        }
      }
    }
    const files = configs.map((config, index) => ({
      path: `${index}.conf`,
      content: fileOf(planOf(config), "armbian/userpatches/config-bbos.conf"),
    }));
    const dir = writeFiles(files);
    const result = runBash(
      `for (( i = 0; i < ${files.length}; i++ )); do
  ( f() { source "./$i.conf"; }; f; printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$BOARD" "$BRANCH" "$RELEASE" "\${EXPERT-}" "\${ENABLE_EXTENSIONS-}" "$KERNEL_CONFIGURE" )
done`,
      { cwd: dir },
    );
    expect(result.stderr).toBe("");
    const rows = result.stdout.trimEnd().split("\n");
    expect(rows).toHaveLength(configs.length);
    for (const row of rows) {
      const [board = "", branch = "", release = "", expert, enabled = "", configure] =
        row.split("\t");
      const targets = fact(`board:${board}`, "KERNEL_TARGET");
      expect(
        targets?.source,
        `${board}: a file config/boards/${board}.(conf|csc|wip|tvb|eos)`,
      ).toMatch(new RegExp(`^config/boards/${board}\\.(conf|csc|wip|tvb|eos)$`));
      expect(targets?.value, `${board} ${branch}`).toContain(branch);
      const support = fact(`release:${release}`, "support");
      expect(support?.source, release).toBe(`config/distributions/${release}/support`);
      expect(expert, release).toBe(
        fact(`release:${release}`, "expert")?.value === true ? "yes" : "",
      );
      for (const name of enabled.split(",")) expect(extensions, name).toContain(name);
      expect(configure).toBe("no");
    }
  }, 60_000);

  it("sets EXPERT=yes exactly for the releases armbian/build builds only for experts", () => {
    const released = facts.facts
      .filter((entry) => entry.subject.startsWith("release:") && entry.fact === "support")
      .map((entry) => entry.subject.slice("release:".length));
    expect(knownReleases.toSorted()).toEqual(released.toSorted());
    for (const release of knownReleases) {
      const config = armbianConfig({ os: { release, branch: "current", variant: "server" } });
      const expert = armbianSettings(config as unknown as BoardConfigV2).find(
        ([name]) => name === "EXPERT",
      );
      const wanted = fact(`release:${release}`, "expert");
      expect(wanted?.source, release).toBe("lib/functions/main/config-prepare.sh");
      expect(boardCatalogue.releaseSupport.armbian[release]?.expert, release).toBe(wanted?.value);
      expect(expert, release).toEqual(wanted?.value === true ? ["EXPERT", "yes"] : undefined);
    }
  });

  it("asks for a desktop, headers, a file system and an image size the way compile.sh reads them", () => {
    const plan = planOf(
      armbianConfig({
        os: { release: "noble", branch: "vendor", variant: "desktop", desktop: "kde-plasma" },
        image: { rootfs: "btrfs", size: { value: 8, unit: "GiB" } },
        build: { recipe: "armbian", options: { installHeaders: true } },
      }),
    );
    const dir = writeFiles(plan.files);
    const result = runBash(
      `f() { source armbian/userpatches/config-bbos.conf; }; f
printf '%s ' "$BUILD_DESKTOP" "$BUILD_MINIMAL" "$DESKTOP_ENVIRONMENT" "$DESKTOP_TIER" "$INSTALL_HEADERS" "$ROOTFS_TYPE" "$FIXED_IMAGE_SIZE" "$COMPRESS_OUTPUTIMAGE"`,
      { cwd: dir },
    );
    expect(result.stdout).toBe("yes no kde-plasma mid yes btrfs 8192 img ");
  });
});

describe("the fetch step", () => {
  const fetch = stepOf("fetch");

  it("fails at once with one clear line when the framework's host does not answer", () => {
    const dir = tempDir();
    const result = runBash(fetch.script, {
      cwd: dir,
      env: { ...fetch.env, ARMBIAN_REPOSITORY: "https://127.0.0.1:9/" },
    });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^the Armbian build framework cannot be reached at https:\/\/127\.0\.0\.1:9\/ \(.*127\.0\.0\.1.*\); armbian builds need internet access to github\.com$/,
    );
  });

  it("says so when the check runs out of its 20 seconds", () => {
    const dir = tempDir();
    // A `timeout` that reports the deadline passed, as coreutils does with status 124.
    writeFileSync(join(dir, "timeout"), "#!/bin/sh\nexit 124\n");
    chmodSync(join(dir, "timeout"), 0o755);
    const result = runBash(fetch.script, {
      cwd: dir,
      env: { ...fetch.env, PATH: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}` },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toBe(
      "the Armbian build framework cannot be reached at https://github.com/armbian/build (no answer within 20 s); armbian builds need internet access to github.com\n",
    );
  });
});
