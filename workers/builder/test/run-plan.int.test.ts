// runPlan against the real Docker engine, in the builder image: the plan's files reach the steps
// as data, the worker's cache is mounted only where a step asks, privileged steps are refused
// unless the worker allows them, and progress from a recipe's own lines never goes back.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import type { Recipe, RecipePlan, RecipeStep } from "@bbos/core/build";
import type Docker from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { LABEL_INSTALLATION } from "../src/docker/labels.ts";
import { PermanentBuildError } from "../src/permanent-build-error.ts";
import { runPlan } from "../src/run-plan.ts";
import {
  BUILDER_IMAGE_TIMEOUT_MS,
  builderImageForTests,
  removeInstallationContainers,
  STEP_TEST_TIMEOUT_MS,
  temporaryDir,
  testDocker,
  testInstallation,
} from "./docker/docker-fixture.ts";

const docker: Docker = testDocker();
const installation = testInstallation();
let image = "";
const dirs: { path: string; remove: () => Promise<void> }[] = [];

beforeAll(async () => {
  image = await builderImageForTests(docker, installation);
}, BUILDER_IMAGE_TIMEOUT_MS);
afterEach(async () => {
  for (const dir of dirs.splice(0)) await dir.remove();
});
afterAll(async () => {
  expect(await removeInstallationContainers(docker, installation)).toBe(0);
});

const step = (overrides: Partial<RecipeStep>): RecipeStep => ({
  stage: "one",
  script: "true",
  env: {},
  network: "none",
  capabilities: [],
  cache: false,
  ...overrides,
});

const recipe: Recipe = {
  id: "plan-test",
  version: "1",
  title: "plan test",
  stages: [
    { id: "one", title: "One", weight: 1 },
    { id: "two", title: "Two", weight: 1 },
  ],
  supports: () => ({ ok: true }),
  plan: () => {
    throw new Error("not used");
  },
  progressOf: (line) => (line === "half of two" ? { stage: "two", fraction: 0.5 } : null),
};

async function run(plan: Partial<RecipePlan>, options: { allowPrivileged?: boolean } = {}) {
  const work = await temporaryDir();
  const cache = await temporaryDir();
  dirs.push(work, cache);
  const lines: string[] = [];
  const progress: [string, number][] = [];
  const result = runPlan({
    docker,
    image,
    recipe,
    plan: {
      steps: [],
      files: [],
      image: { path: "disk.img", name: "disk.img", contentType: "application/octet-stream" },
      manifest: null,
      packageSet: null,
      ...plan,
    },
    stages: recipe.stages,
    workDir: work.path,
    cache: { dir: cache.path, limitMiB: 1234 },
    allowPrivileged: options.allowPrivileged ?? false,
    labels: { [LABEL_INSTALLATION]: installation },
    limits: { cpus: 1, memoryBytes: 256 * 1024 * 1024 },
    log: (line) => lines.push(line),
    progress: (stage, value) => progress.push([stage, value]),
    signal: new AbortController().signal,
  });
  return { result, lines, progress, work: work.path, cache: cache.path };
}

describe("runPlan", () => {
  it(
    "writes the plan's files verbatim under /work/in before the first step",
    async () => {
      const hostile = "$(touch /work/pwned)`id`'\"\n; rm -rf / #";
      const { result, lines, work } = await run({
        files: [
          { path: "value", content: hostile },
          { path: "nested/dir/list", content: "a\nb\n" },
        ],
        steps: [
          step({
            script:
              'test "$(cat /work/in/value)" = "$EXPECTED"; stat -c %a /work/in/nested/dir/list; : >/work/out/disk.img',
            env: { EXPECTED: hostile },
          }),
        ],
      });
      await result;
      expect(lines).toContain("644");
      expect(await readFile(join(work, "in", "value"), "utf8")).toBe(hostile);
      await expect(readFile(join(work, "pwned"))).rejects.toThrow(/ENOENT/);
    },
    STEP_TEST_TIMEOUT_MS,
  );

  it("refuses a planned file outside /work/in", async () => {
    for (const path of ["../escape", "/etc/passwd", "a/../../b", "a//b"]) {
      const { result } = await run({ files: [{ path, content: "x" }] });
      await expect(result).rejects.toThrow(PermanentBuildError);
    }
  });

  it(
    "mounts the worker's cache at /cache, with its limit, only for steps that ask",
    async () => {
      const { result, lines, cache } = await run({
        steps: [
          step({ script: 'echo "limit $CACHE_LIMIT_MIB"; echo kept >/cache/entry', cache: true }),
          step({
            stage: "two",
            script:
              'test ! -e /cache && echo "no cache ${CACHE_LIMIT_MIB:-unset}"; : >/work/out/disk.img',
          }),
        ],
      });
      await result;
      expect(lines).toEqual(expect.arrayContaining(["limit 1234", "no cache unset"]));
      expect(await readFile(join(cache, "entry"), "utf8")).toBe("kept\n");
    },
    STEP_TEST_TIMEOUT_MS,
  );

  it("refuses a privileged step before running anything, unless the worker allows it", async () => {
    const { result, work } = await run({
      steps: [step({ script: ": >/work/ran" }), step({ stage: "two", privileged: true })],
    });
    await expect(result).rejects.toThrow(
      /stage "two" needs a privileged container, which this worker does not run \(BUILDER_ALLOW_PRIVILEGED=true/,
    );
    await expect(readFile(join(work, "ran"))).rejects.toThrow(/ENOENT/);
  });

  it(
    "reports progress from the recipe's own lines and never goes back",
    async () => {
      const { result, progress } = await run({
        steps: [
          step({ script: 'echo "half of two"; echo "::progress 0.5"' }),
          step({ stage: "two", script: ": >/work/out/disk.img" }),
        ],
      });
      await result;
      const values = progress.map(([, value]) => value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      // "half of two" is 75 %; step one's own "::progress 0.5" (25 %) and its end (50 %) come
      // after it and are dropped.
      expect(progress).toContainEqual(["two", 0.75]);
      expect(progress).not.toContainEqual(["one", 0.25]);
      expect(progress.at(-1)).toEqual(["two", 1]);
    },
    STEP_TEST_TIMEOUT_MS,
  );

  it("fails when the recipe does not produce its image", async () => {
    const { result } = await run({ steps: [step({})] });
    await expect(result).rejects.toThrow(/did not produce its output out\/disk\.img/);
  });
});
