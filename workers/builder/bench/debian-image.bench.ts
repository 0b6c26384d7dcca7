// The debian recipe's qemu-arm64 image, built cold (empty cache) and warm (same packages, another
// host name) on this machine, beside the reference: the same package set installed by hand with
// plain mmdebstrap in the same builder image (what a person would type; it makes only the root
// filesystem tarball, no disk image).
//   npm run bench:images -w @bbos/builder
// Needs the Docker engine and the host's qemu-aarch64 binfmt handler (scripts/lib.sh sets it up);
// makes the builder image if missing. Removes its work and cache directories at the end.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import type { JsonObject } from "@bbos/core/build";
import { builderImageDefinition, builderImageTag, productRecipes } from "@bbos/recipes";

import { detectDebianMirror, detectDebianSecurityMirror } from "../src/docker/apt-mirror.ts";
import { createDocker } from "../src/docker/index.ts";
import { runContainer } from "../src/docker/run-container.ts";
import { buildLocally, type LocalBuildResult } from "../src/local-build.ts";
import { fixed, printTable, ratio, type Row } from "./bench-kit.ts";

const config = (hostname: string): JsonObject => ({
  board: "qemu-arm64",
  os: { release: "bookworm", branch: "current", variant: "minimal" },
  system: { hostname },
  image: { size: { value: 2, unit: "GiB" } },
});

async function main(): Promise<void> {
  const recipe = productRecipes.find((candidate) => candidate.id === "debian");
  if (!recipe) throw new Error("no debian recipe");
  const docker = createDocker(process.env.DOCKER_HOST || undefined);
  const mirror =
    process.env.DEBIAN_MIRROR || (await detectDebianMirror(builderImageDefinition.release));
  const securityMirror =
    process.env.DEBIAN_SECURITY_MIRROR ||
    (await detectDebianSecurityMirror(builderImageDefinition.release));
  const dir = await mkdtemp(join(tmpdir(), "bbos-image-bench-"));
  const [one, five] = loadavg().map((load) => load.toFixed(2));
  console.log(
    `image bench: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), load ${one} ${five} (1, 5 min) at start; mirror ${mirror}`,
  );
  const limits = { cpus: availableParallelism(), memoryBytes: 8192 * 1024 * 1024 };
  const cache = { dir: join(dir, "cache"), limitMiB: 20 * 1024 };
  try {
    const build = (name: string, hostname: string): Promise<LocalBuildResult> =>
      buildLocally({
        docker,
        recipe,
        config: config(hostname),
        workDir: join(dir, name),
        cache,
        debianMirror: mirror,
        debianSecurityMirror: securityMirror,
        sourceDateEpoch: 1767225600,
        limits,
        log: () => undefined,
      });
    const cold = await build("cold", "bench-cold");
    console.log(`cold build: ${fixed(cold.seconds)} s`);
    const warm = await build("warm", "bench-warm");
    console.log(`warm build: ${fixed(warm.seconds)} s`);

    // The reference installs the package list the recipe planned, with mmdebstrap's defaults.
    const packages = (await readFile(join(dir, "cold", "in", "packages"), "utf8"))
      .trim()
      .split("\n");
    const started = performance.now();
    const reference = await runContainer(
      docker,
      {
        image: builderImageTag(),
        script:
          'mmdebstrap --mode=unshare --variant=apt --architectures=arm64 --include="$PACKAGES" bookworm /work/reference.tar "$MIRROR"',
        env: { PACKAGES: packages.join(","), MIRROR: mirror },
        workDir: join(dir, "cold"),
        network: "host",
        capAdd: ["SYS_ADMIN"],
        privileged: false,
        cpus: limits.cpus,
        memoryBytes: limits.memoryBytes,
        labels: { "io.bbos.installation": "local" },
      },
      { signal: new AbortController().signal, onLine: () => undefined },
    );
    const referenceSeconds = (performance.now() - started) / 1000;
    if (reference.exitCode !== 0)
      throw new Error(`the reference mmdebstrap failed (${reference.exitCode})`);

    const stage = (result: LocalBuildResult, id: string) =>
      result.stages.find((entry) => entry.stage === id)?.seconds ?? Number.NaN;
    const rows: Row[] = [
      {
        measure: "cold: packages to root filesystem (s)",
        bbos: fixed(stage(cold, "download") + stage(cold, "rootfs")),
        reference: fixed(referenceSeconds),
        ratio: ratio(stage(cold, "download") + stage(cold, "rootfs"), referenceSeconds),
      },
      {
        measure: "cold: whole build, to a bootable disk image (s)",
        bbos: fixed(cold.seconds),
        reference: fixed(referenceSeconds),
        ratio: ratio(cold.seconds, referenceSeconds),
      },
      {
        measure: "warm: whole build (s)",
        bbos: fixed(warm.seconds),
        reference: fixed(referenceSeconds),
        ratio: ratio(warm.seconds, referenceSeconds),
      },
    ];
    printTable("qemu-arm64 image (bookworm, minimal), emulated arm64 on this host", rows, [
      `stages cold: ${cold.stages.map((s) => `${s.stage} ${fixed(s.seconds)} s`).join(", ")}`,
      `stages warm: ${warm.stages.map((s) => `${s.stage} ${fixed(s.seconds)} s`).join(", ")}`,
      "reference: plain mmdebstrap of the same packages (root filesystem tarball only, no image)",
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
