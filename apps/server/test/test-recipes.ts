// Small recipes of the tests' own, which exercise the build pipeline quickly in the real builder
// image: a shell step with host network, a step without network that writes an image, a manifest
// and a log with colour, the config's secret and a progress marker; and one that only sleeps.
import type { Recipe, RecipePlan } from "@bbos/core";

const stages = [
  { id: "prepare", title: "Prepare", weight: 1 },
  { id: "image", title: "Image", weight: 3 },
];

/** Writes a raw 3 MiB image (the worker compresses it); prints what the assertions look for. */
const shellRecipe: Recipe = {
  id: "shell-test",
  version: "1",
  title: "Shell test recipe",
  stages,
  supports: (config) =>
    config.board === "qemu-arm64" ? { ok: true } : { ok: false, reason: "only qemu-arm64" },
  plan: ({ config, sourceDateEpoch }): RecipePlan => {
    const system = config.system as { hostname?: string } | undefined;
    const wifi = (config.network as { wifi?: { psk?: string } } | undefined)?.wifi;
    return {
      steps: [
        {
          stage: "prepare",
          network: "host",
          capabilities: [],
          cache: false,
          env: {
            HOSTNAME_WANTED: system?.hostname ?? "",
            SOURCE_DATE_EPOCH: String(sourceDateEpoch),
          },
          script: [
            `printf '\\033[32mpreparing %s\\033[0m\\n' "$HOSTNAME_WANTED"`,
            "echo '::progress 0.5'",
            "echo 'a warning on stderr' >&2",
            'for i in $(seq 1 200); do echo "line $i"; done',
          ].join("\n"),
        },
        {
          stage: "image",
          network: "none",
          capabilities: [],
          cache: false,
          env: { WIFI_PSK: wifi?.psk ?? "" },
          script: [
            // A recipe that prints a secret must not publish it: the worker redacts it.
            `echo "psk is $WIFI_PSK"`,
            "head -c 3145728 /dev/zero | tr '\\0' 'b' > out/test.img",
            "dpkg-query -W > out/manifest.txt",
            // A package set of one made-up package file, as a recipe records what it installed.
            "echo 'not really a package' > /tmp/hello_1.0_all.deb",
            "(cd /tmp && sha256sum hello_1.0_all.deb) > out/packages.sha256",
            "echo '::progress 1'",
          ].join("\n"),
        },
      ],
      files: [],
      image: { path: "test.img", name: "bbos-test.img", contentType: "application/octet-stream" },
      manifest: { path: "manifest.txt", name: "bbos-test.manifest.txt", contentType: "text/plain" },
      packageSet: {
        path: "packages.sha256",
        name: "bbos-test.packages.sha256",
        contentType: "text/plain",
      },
    };
  },
};

/** Sleeps in its container until it is canceled. */
const sleepRecipe: Recipe = {
  id: "sleep-test",
  version: "1",
  title: "Sleeping test recipe",
  stages: [{ id: "sleep", title: "Sleep", weight: 1 }],
  supports: () => ({ ok: true }),
  plan: () => ({
    steps: [
      {
        stage: "sleep",
        network: "none",
        capabilities: [],
        cache: false,
        env: {},
        script: "echo sleeping; exec sleep 600",
      },
    ],
    files: [],
    image: { path: "never.img", name: "never.img", contentType: "application/octet-stream" },
    manifest: null,
    packageSet: null,
  }),
};

/** Runs for a few seconds, then writes a small image: long enough to kill something meanwhile. */
const slowRecipe: Recipe = {
  id: "slow-test",
  version: "1",
  title: "Slow test recipe",
  stages: [{ id: "work", title: "Work", weight: 1 }],
  supports: () => ({ ok: true }),
  plan: () => ({
    steps: [
      {
        stage: "work",
        network: "none",
        capabilities: [],
        cache: false,
        env: {},
        script: "echo working; sleep 8; echo done > out/slow.img; echo finished",
      },
    ],
    files: [],
    image: { path: "slow.img", name: "slow.img", contentType: "application/octet-stream" },
    manifest: null,
    packageSet: null,
  }),
};

export const testRecipes: readonly Recipe[] = [shellRecipe, sleepRecipe, slowRecipe];
