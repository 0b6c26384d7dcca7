// The recipe runner of this worker: plans the build with its recipe, fetches the project files it
// copies, runs each step in the builder image on the Docker engine, then publishes the outputs:
// stored in one streaming pass each (size and digests while storing), signed, checksummed, with
// a signed provenance statement and the compressed log. Knows nothing recipe-specific.
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";

import {
  checksumFileText,
  provenanceStatement,
  serializeStatement,
  signPrehashed,
  type DigestedFile,
  type StageTiming,
  type ObjectStore,
  type SigningKey,
  type StoredObject,
} from "@bbos/artifacts";
import {
  imageCompressionOf,
  PROJECT_FILES_DIR,
  redactor,
  secretValues,
  withImageCompression,
  type Recipe,
  type RecipeInput,
  type RecipeOutput,
  type RecipePlan,
} from "@bbos/core/build";
import type { ArtifactInput, BuildWithConfigRow } from "@bbos/db";
import { attemptKeyPrefix } from "@bbos/recipes";
import { boardConfigSchemas, isBoardConfigSchemaId } from "@bbos/schemas";
import type Docker from "dockerode";

import { LABEL_BUILD_ID, LABEL_INSTALLATION, LABEL_WORKER_ID } from "./docker/labels.ts";
import { PermanentBuildError } from "./permanent-build-error.ts";
import { writeProjectFiles } from "./project-files.ts";
import type { RecordedPackageSetFinder } from "./recorded-package-set.ts";
import type { SecretResolver } from "./resolve-secrets.ts";
import { runPlan, type BuildCache } from "./run-plan.ts";
import type { BuildLogPort, RecipeRunContext, RecipeRunner } from "./run-build.ts";

/** What {@link createDockerRecipeRunner} needs. */
export interface DockerRecipeRunnerOptions {
  docker: Docker;
  recipes: ReadonlyMap<string, Recipe>;
  /** Resolves the builder image (made on first use when missing), with its definition hash. */
  builderImage: (log: (line: string) => void) => Promise<{ tag: string; id: string }>;
  store: ObjectStore;
  signingKey: SigningKey;
  /** Where each attempt gets its work directory (removed afterwards). */
  workRoot: string;
  installation: string;
  workerId: string;
  limits: { cpus: number; memoryBytes: number };
  /** The worker's cache, shared by its builds (apt packages, root filesystems). */
  cache: BuildCache;
  /** The Debian archive recipes use unless a config names its own. */
  debianMirror: string;
  /** The Debian security archive recipes use. */
  debianSecurityMirror: string;
  /** Whether steps that need a privileged container may run here. */
  allowPrivileged: boolean;
  /** The build's config with its secret references resolved: what the recipe plans from. */
  resolveSecrets: SecretResolver;
  /** The package set an earlier build of the build's version recorded, if one did. */
  recordedPackageSet: RecordedPackageSetFinder;
}

/** Creates the {@link RecipeRunner} that runs recipes in containers. */
export function createDockerRecipeRunner(options: DockerRecipeRunnerOptions): RecipeRunner {
  const { store } = options;
  return {
    async run(build, context) {
      const recipe = options.recipes.get(build.recipe);
      if (!recipe) {
        throw new PermanentBuildError(`this worker has no recipe "${build.recipe}"`);
      }
      if (recipe.version !== build.recipeVersion) {
        throw new PermanentBuildError(
          `recipe "${recipe.id}" is at version ${recipe.version} on this worker; the build asked for ${build.recipeVersion}`,
        );
      }
      const image = await options.builderImage((line) => context.log.append(line, "sys"));
      if (image.id !== build.builderImageId) {
        throw new PermanentBuildError(
          `this worker's builder image is ${image.id}; the build was planned for ${build.builderImageId}`,
        );
      }
      // The recipe plans from the secret values; everything published keeps the references
      // (provenance records the stored config). The values are cut from every line before it
      // goes anywhere: the live log and its archive.
      const config = await options.resolveSecrets(build);
      const redact = redactor(
        isBoardConfigSchemaId(build.schemaId)
          ? secretValues(boardConfigSchemas[build.schemaId].schema, config)
          : [],
      );
      const archive = createLogArchive(context.log, redact);
      const logged: RecipeRunContext = { ...context, log: archive.log };
      const workDir = await mkdtemp(join(options.workRoot, `${build.id}-${build.attempt}-`));
      try {
        const input: RecipeInput = {
          config,
          contentHash: build.contentHash,
          sourceDateEpoch: Math.floor(build.versionCreatedAt.getTime() / 1000),
          debianMirror: options.debianMirror,
          debianSecurityMirror: options.debianSecurityMirror,
        };
        // Planning is pure and cheap: the first plan names the package set output, by which an
        // earlier build of the version is found that recorded one to install again.
        const draft = recipe.plan(input);
        const recorded =
          draft.packageSet && (await options.recordedPackageSet(build, draft.packageSet.name));
        if (recorded) {
          logged.log.append(`packages: the set build ${recorded.buildId} recorded`, "sys");
        }
        const { plan, stages } = withImageCompression(
          recorded ? recipe.plan({ ...input, recordedPackageSet: recorded.text }) : draft,
          recipe.stages,
          imageCompressionOf(build.config),
        );
        const startedOn = new Date();
        if (build.fileVersionIds.length > 0) {
          const copied = await writeProjectFiles(store, join(workDir, "in"), build);
          logged.log.append(`project files: ${copied.files}, ${copied.bytes} bytes`, "sys");
        }
        const timings = await runPlan({
          docker: options.docker,
          image: image.tag,
          recipe,
          plan,
          stages,
          workDir,
          cache: options.cache,
          allowPrivileged: options.allowPrivileged,
          labels: {
            [LABEL_INSTALLATION]: options.installation,
            [LABEL_BUILD_ID]: build.id,
            [LABEL_WORKER_ID]: options.workerId,
          },
          limits: options.limits,
          log: (line, stream) => logged.log.append(line, stream),
          progress: (stage, progress) => logged.progress.report(stage, progress),
          signal: logged.signal,
        });
        const finishedOn = new Date();
        return await publish(options, recipe, plan, build, workDir, archive, {
          builderImage: image,
          startedOn,
          finishedOn,
          stages: timings,
          log: logged.log,
        });
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
    async discard(artifacts) {
      // Every key is `<attempt prefix><name>` with a name without slashes.
      const prefixes = new Set(
        artifacts.map((artifact) =>
          artifact.storageKey.slice(0, artifact.storageKey.lastIndexOf("/") + 1),
        ),
      );
      for (const prefix of prefixes) await store.deletePrefix(prefix);
    },
  };
}

interface PublishContext {
  builderImage: { tag: string; id: string };
  startedOn: Date;
  finishedOn: Date;
  stages: StageTiming[];
  log: BuildLogPort;
}

async function publish(
  options: DockerRecipeRunnerOptions,
  recipe: Recipe,
  plan: RecipePlan,
  build: BuildWithConfigRow,
  workDir: string,
  archive: LogArchive,
  context: PublishContext,
): Promise<ArtifactInput[]> {
  const { store, signingKey } = options;
  const prefix = attemptKeyPrefix(build.id, build.attempt);
  const artifacts: ArtifactInput[] = [];
  const put = async (
    kind: ArtifactInput["kind"],
    name: string,
    contentType: string,
    body: Readable | AsyncIterable<Uint8Array>,
  ): Promise<StoredObject> => {
    const stored = await store.put(prefix + name, body, { contentType });
    artifacts.push({
      kind,
      name,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.key,
      contentType,
    });
    return stored;
  };
  const putText = (kind: ArtifactInput["kind"], name: string, contentType: string, text: string) =>
    put(kind, name, contentType, Readable.from([Buffer.from(text)]));
  const sign = (name: string, stored: StoredObject) =>
    putText(
      "SIGNATURE",
      `${name}.minisig`,
      "text/plain; charset=utf-8",
      signPrehashed(signingKey, stored.blake2b512, {
        trustedComment: `timestamp:${Math.floor(context.finishedOn.getTime() / 1000)}\tfile:${name}\tbuild:${build.id}\tsha256:${stored.sha256}`,
      }),
    );

  context.log.append("storing, hashing and signing the image…", "sys");
  const imageName = plan.image.name;
  const image = await put(
    "IMAGE",
    imageName,
    plan.image.contentType,
    createReadStream(join(workDir, "out", plan.image.path)),
  );
  context.log.append(`${imageName}: ${image.size} bytes, sha256 ${image.sha256}`, "sys");
  await sign(imageName, image);
  await putText(
    "CHECKSUM",
    `${imageName}.sha256`,
    "text/plain; charset=utf-8",
    checksumFileText([{ name: imageName, sha256: image.sha256 }]),
  );
  if (plan.manifest) {
    await put(
      "MANIFEST",
      plan.manifest.name,
      plan.manifest.contentType,
      createReadStream(join(workDir, "out", plan.manifest.path)),
    );
  }
  const packages = plan.packageSet ? await readPackageSet(workDir, plan.packageSet) : [];
  if (plan.packageSet) {
    await put(
      "MANIFEST",
      plan.packageSet.name,
      plan.packageSet.contentType,
      createReadStream(join(workDir, "out", plan.packageSet.path)),
    );
  }
  await putText(
    "MANIFEST",
    `${imageName}.txt`,
    "text/plain; charset=utf-8",
    fingerprintText(build, recipe, context, image),
  );
  const statement = provenanceStatement({
    buildId: build.id,
    subjects: [{ name: imageName, sha256: image.sha256 }],
    config: { versionId: build.configVersionId, contentSha256: build.contentHash },
    recipe: { id: recipe.id, version: recipe.version },
    board: typeof build.config.board === "string" ? build.config.board : "",
    builderId: `https://bbos.dev/builder/${options.installation}`,
    builderImage: {
      definitionSha256: context.builderImage.id,
      uri: `docker-image:${context.builderImage.tag}`,
    },
    workerId: options.workerId,
    inputFiles: [
      ...build.files.map((file) => ({
        name: `${PROJECT_FILES_DIR}/${file.fileId}`,
        sha256: file.sha256,
      })),
      ...packages,
    ],
    startedOn: context.startedOn,
    finishedOn: context.finishedOn,
    stages: context.stages,
  });
  const provenanceName = `${imageName}.provenance.json`;
  const provenance = await putText(
    "PROVENANCE",
    provenanceName,
    "application/json",
    serializeStatement(statement),
  );
  await sign(provenanceName, provenance);
  context.log.append("artifacts stored and signed", "sys");
  await put("LOG", "build.log.gz", "application/gzip", archive.finish());
  return artifacts;
}

/** The recipe's recorded package set: `<sha256>  <file name>` lines. */
async function readPackageSet(workDir: string, output: RecipeOutput): Promise<DigestedFile[]> {
  const text = await readFile(join(workDir, "out", output.path), "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line, index) => {
      const match = /^([0-9a-f]{64}) [ *]([^\s/]+)$/.exec(line);
      if (!match?.[1] || !match[2]) {
        throw new PermanentBuildError(
          `line ${index + 1} of the recipe's package set out/${output.path} is not "<sha256>  <file name>": ${JSON.stringify(line.slice(0, 200))}`,
        );
      }
      return { name: match[2], sha256: match[1] };
    });
}

/** The `.img.txt` beside the image, as Armbian publishes one: what the image is, in words. */
function fingerprintText(
  build: BuildWithConfigRow,
  recipe: Recipe,
  context: PublishContext,
  image: StoredObject,
): string {
  const lines = [
    ["Board", typeof build.config.board === "string" ? build.config.board : ""],
    ["Build", build.id],
    ["Config version", `${build.versionNumber} (sha256 ${build.contentHash})`],
    ["Recipe", `${recipe.id} ${recipe.version}`],
    ["Builder image", `${context.builderImage.tag} (definition ${context.builderImage.id})`],
    ["Built", `${context.startedOn.toISOString()} to ${context.finishedOn.toISOString()}`],
    ["Image size", `${image.size} bytes`],
    ["Image sha256", image.sha256],
  ];
  return lines.map(([label, value]) => `${label}: ${value}`).join("\n") + "\n";
}

interface LogArchive {
  /** Passes lines on and keeps a gzip copy of them. */
  log: BuildLogPort;
  /** Ends the copy; the gzip bytes of every line so far. */
  finish(): Readable;
}

/** Redacts the build's log lines and tees them into a gzip stream, the archived log artifact. */
function createLogArchive(log: BuildLogPort, redact: (line: string) => string): LogArchive {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
  // Lines go to gzip in batches of about 64 KiB: one write per line costs more CPU than the
  // whole rest of the log path.
  let batch: string[] = [];
  let batchLength = 0;
  const flushBatch = () => {
    if (batch.length > 0) gzip.write(batch.join(""));
    batch = [];
    batchLength = 0;
  };
  return {
    log: {
      append(raw, stream) {
        const text = redact(raw);
        log.append(text, stream);
        const line = text.endsWith("\n") ? text : `${text}\n`;
        batch.push(line);
        batchLength += line.length;
        if (batchLength >= 64 * 1024) flushBatch();
      },
    },
    finish() {
      flushBatch();
      const ended = new Promise<void>((resolve, reject) => {
        gzip.once("end", resolve);
        gzip.once("error", reject);
      });
      gzip.end();
      return Readable.from(
        (async function* () {
          await ended;
          yield* chunks;
        })(),
      );
    },
  };
}
