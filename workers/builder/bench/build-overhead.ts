// Part 1 of builds.bench.ts: what a build costs beyond its own work. A no-op recipe (one step
// that stamps the time, writes a 5-byte image and stamps the time again) runs through
// startBuilder, from enqueueBuild to SUCCEEDED in PostgreSQL with its artifacts stored and
// signed, beside `docker run --rm --network none` of the same builder image from the docker CLI.
// Runs alternate between the two, so load on the machine weighs on both alike.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

import { createFileObjectStore, encodePublicKeyFile, generateSigningKey } from "@bbos/artifacts";
import type { BuildId, Recipe } from "@bbos/core";
import {
  findBuild,
  listArtifacts,
  newSecretKeyRingText,
  parseSecretKeyRing,
  type Db,
} from "@bbos/db";
import {
  createBuildChannels,
  createBuildLogFollower,
  createBuildQueue,
  createRedisConnection,
  enqueueBuild,
  type BuildLogLine,
} from "@bbos/queue";
import { builderImageId, builderImageTag } from "@bbos/recipes";
import type Docker from "dockerode";
import { pino } from "pino";

import { startBuilder } from "../src/builder.ts";
import { LABEL_INSTALLATION } from "../src/docker/labels.ts";
import { createBuildFactory } from "../test/build-rows.ts";
import {
  createCleanup,
  epochMs,
  median,
  medianP90,
  ratio,
  timedRun,
  withTimeout,
  type Cleanup,
  type Row,
  type TimedRun,
} from "./bench-kit.ts";

/** Prints the two stamps the figures are taken from; the step of the no-op recipe runs it too. */
const STAMPS = ['echo "bench-start $(date +%s%N)"', 'echo "bench-end $(date +%s%N)"'];

const noopRecipe: Recipe = {
  id: "noop-bench",
  version: "1",
  title: "No-op bench recipe",
  stages: [{ id: "noop", title: "No-op", weight: 1 }],
  supports: () => ({ ok: true }),
  plan: () => ({
    steps: [
      {
        stage: "noop",
        network: "none",
        capabilities: [],
        cache: false,
        env: {},
        script: [STAMPS[0], "printf 'noop\\n' > out/noop.img", STAMPS[1]].join("\n"),
      },
    ],
    files: [],
    image: { path: "noop.img", name: "noop.img", contentType: "application/octet-stream" },
    manifest: null,
    packageSet: null,
  }),
};

/** What every successful build publishes (run-build's publish), by kind. */
const EXPECTED_KINDS = ["CHECKSUM", "IMAGE", "LOG", "MANIFEST", "PROVENANCE", "SIGNATURE"];

const BUILD_TIMEOUT_MS = 60_000;

/** Epoch ms of a `bench-start <ns>` / `bench-end <ns>` line, or null for any other line. */
function stampOf(text: string, which: "start" | "end"): number | null {
  const match = new RegExp(`^bench-${which} (\\d+)$`).exec(text);
  // Nanoseconds since the epoch exceed 2^53: divide as a bigint first.
  return match?.[1] ? Number(BigInt(match[1]) / 1000n) / 1000 : null;
}

/** Figures of one run, in ms; null where a run has no such point. */
interface Sample {
  /** To the build's startedAt (the worker's clock, ms resolution). */
  running: number | null;
  /** To the step's first instruction in the container. */
  containerStart: number;
  /** To the step's first line reaching a reader (a log follower; the CLI's stdout). */
  firstLine: number;
  /** From the step's last instruction to the end (SUCCEEDED read back; the CLI exited). */
  afterLast: number;
  /** From enqueue (or spawn) to the end. */
  total: number;
}

/** Where a BBOS build's time after its step went, ms, from the worker's own `sys` log lines. */
interface Publishing {
  /** Last instruction → "storing, hashing and signing…": container exit, output end, removal. */
  toPublish: number;
  /** → "artifacts stored and signed": image, signature, checksum, fingerprint, provenance, its signature. */
  publish: number;
  /** → SUCCEEDED read back: the gzip log artifact, the recording transaction, the update message. */
  toSucceeded: number;
}

/** The worker's own log (pino) at warn and above, collected to be reported. */
function collectingLogger() {
  const messages = new Map<string, number>();
  const logger = pino(
    { level: "warn" },
    {
      write(line: string) {
        const { msg } = JSON.parse(line) as { msg?: string };
        const text = msg ?? line.trim();
        messages.set(text, (messages.get(text) ?? 0) + 1);
      },
    },
  );
  return { logger, messages };
}

export interface BuildOverheadOptions {
  db: Db;
  docker: Docker;
  redisUrl: string;
  prefix: string;
  /** A private directory for the work root, the object store and key files. */
  tmp: string;
  runs: number;
  /** Where this part registers its own cleanup too, for a signal that cuts the run short. */
  cleanup: Cleanup;
}

/** Runs part 1; everything it started is stopped and removed when it returns or throws. */
export async function measureBuildOverhead(
  options: BuildOverheadOptions,
): Promise<{ rows: Row[]; notes: string[] }> {
  const cleanup = createCleanup();
  options.cleanup.add("stop part 1", () => cleanup.run());
  try {
    return await runPart(options, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function runPart(options: BuildOverheadOptions, cleanup: Cleanup) {
  const { db, docker, redisUrl, prefix, tmp, runs } = options;
  const image = builderImageTag();
  const label = `${LABEL_INSTALLATION}=${prefix}`;
  cleanup.add("remove the bench's containers", async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [label] } });
    for (const container of left) await docker.getContainer(container.Id).remove({ force: true });
    if (left.length > 0) console.error(`removed ${left.length} leftover containers`);
  });

  const storeRoot = join(tmp, "artifacts");
  const store = createFileObjectStore({ root: storeRoot });
  const signingKey = generateSigningKey();
  const makeBuild = await createBuildFactory(db);
  const workerLog = collectingLogger();
  const builder = await startBuilder({
    db,
    redisUrl,
    prefix,
    docker,
    recipes: [noopRecipe],
    store,
    signingKey,
    secrets: parseSecretKeyRing(newSecretKeyRingText("bench")),
    workRoot: join(tmp, "work"),
    cache: { dir: join(tmp, "cache"), limitMiB: 1024 },
    concurrency: 1,
    limits: { cpus: 1, memoryBytes: 512 * 1024 * 1024 },
    timeoutMs: BUILD_TIMEOUT_MS,
    logger: workerLog.logger,
  });
  // Nothing runs any more when it closes: the grace period only has to cover BullMQ's close.
  cleanup.add("close the builder", () => builder.close(10_000));

  // What an API node holds: a command connection and a subscriber shared by build updates and
  // log follows.
  const redis = createRedisConnection(redisUrl, { role: "worker" });
  const subscriber = createRedisConnection(redisUrl, { role: "worker" });
  cleanup.add("disconnect the API-side connections", () => {
    redis.disconnect();
    subscriber.disconnect();
  });
  const queue = createBuildQueue(redis, { prefix });
  cleanup.add("obliterate and close the queue", async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  const channels = await createBuildChannels({ publisher: redis, subscriber, prefix });
  cleanup.add("close the build channels", () => channels.close());
  const follower = await createBuildLogFollower({ subscriber, redis, prefix });
  cleanup.add("close the log follower", () => follower.close());

  /** Resolves with when this process read the build back as SUCCEEDED; rejects if it ended else. */
  const succeeded = (buildId: BuildId) =>
    new Promise<number>((resolve, reject) => {
      let settled = false;
      const check = async () => {
        const build = await findBuild(db, buildId);
        if (settled || !build) return;
        if (build.status === "SUCCEEDED") finish(null, epochMs());
        else if (build.status === "FAILED" || build.status === "CANCELED") {
          finish(new Error(`build ${buildId} ended ${build.status}: ${build.errorMessage}`));
        }
      };
      const onError = (error: unknown) => finish(error);
      // The update message is the prompt; the poll only covers a lost message.
      const stop = channels.onBuildUpdate((update) => {
        if (update.buildId === buildId) check().catch(onError);
      });
      const poll = setInterval(() => void check().catch(onError), 250);
      const timeout = setTimeout(
        () => finish(new Error(`build ${buildId} did not succeed in time`)),
        BUILD_TIMEOUT_MS,
      );
      function finish(error: unknown, at?: number) {
        if (settled) return;
        settled = true;
        stop();
        clearInterval(poll);
        clearTimeout(timeout);
        if (error instanceof Error) reject(error);
        else if (error) reject(new Error(`build ${buildId}: ${JSON.stringify(error)}`));
        else resolve(at ?? epochMs());
      }
    });

  /** Follows the build's log as a subscription would, noting when each line arrived. */
  const followLog = (buildId: BuildId) => {
    const controller = new AbortController();
    const lines: (BuildLogLine & { receivedAt: number })[] = [];
    const done = (async () => {
      for await (const line of follower.follow(buildId, 0, controller.signal)) {
        lines.push({ ...line, receivedAt: epochMs() });
      }
    })();
    return { lines, done, controller };
  };

  let verified = "";
  const publishing: Publishing[] = [];
  const runBbos = async (): Promise<Sample> => {
    const build = await makeBuild({
      recipe: noopRecipe.id,
      recipeVersion: noopRecipe.version,
      builderImageId: builderImageId(),
    });
    const log = followLog(build.id);
    const finished = succeeded(build.id);
    finished.catch(() => undefined); // awaited below; a rejection before that is not unhandled
    const enqueuedAt = epochMs();
    await enqueueBuild(queue, { buildId: build.id }, { attempts: 1 });
    const succeededAt = await finished;
    // The follow ends at the log's end marker, written right after SUCCEEDED.
    try {
      await withTimeout(log.done, 10_000, `the log of build ${build.id} to end`);
    } finally {
      log.controller.abort();
    }

    const record = await findBuild(db, build.id);
    const artifacts = await listArtifacts(db, build.id);
    const kinds = [...new Set(artifacts.map((artifact) => artifact.kind))].sort();
    if (kinds.join() !== EXPECTED_KINDS.join()) {
      throw new Error(`build ${build.id} published ${kinds.join()}, not ${EXPECTED_KINDS.join()}`);
    }
    if (!verified) verified = await verifyImageSignature(artifacts);

    const startLine = log.lines.find((line) => stampOf(line.text, "start") !== null);
    const endLine = log.lines.find((line) => stampOf(line.text, "end") !== null);
    const start = startLine && stampOf(startLine.text, "start");
    const end = endLine && stampOf(endLine.text, "end");
    if (!startLine || !start || !end) throw new Error(`build ${build.id} logged no stamps`);
    const sysAt = (text: string) =>
      log.lines.find((line) => line.stream === "sys" && line.text.startsWith(text))?.at ?? NaN;
    const storing = sysAt("storing, hashing and signing");
    const stored = sysAt("artifacts stored and signed");
    publishing.push({
      toPublish: storing - end,
      publish: stored - storing,
      toSucceeded: succeededAt - stored,
    });
    return {
      running: record?.startedAt ? record.startedAt.getTime() - enqueuedAt : null,
      containerStart: start - enqueuedAt,
      firstLine: startLine.receivedAt - enqueuedAt,
      afterLast: succeededAt - end,
      total: succeededAt - enqueuedAt,
    };
  };

  const dockerRun = (command: readonly string[]): Promise<TimedRun> =>
    timedRun("docker", ["run", "--rm", "--network", "none", "--label", label, image, ...command]);

  /** The step's own bash and stamps, straight from the CLI. */
  const runStamped = async (): Promise<Omit<Sample, "running" | "total">> => {
    const run = await dockerRun(["bash", "-euo", "pipefail", "-c", STAMPS.join("\n")]);
    const startLine = run.stdout.find((line) => stampOf(line.text, "start") !== null);
    const endLine = run.stdout.find((line) => stampOf(line.text, "end") !== null);
    const start = startLine && stampOf(startLine.text, "start");
    const end = endLine && stampOf(endLine.text, "end");
    if (!startLine || !start || !end) throw new Error(`docker run printed no stamps`);
    return {
      containerStart: start - run.spawnedAt,
      firstLine: startLine.at - run.spawnedAt,
      afterLast: run.closedAt - end,
    };
  };
  const runTrue = async (): Promise<number> => {
    const run = await dockerRun(["true"]);
    return run.closedAt - run.spawnedAt;
  };

  const verifyImageSignature = async (
    artifacts: Awaited<ReturnType<typeof listArtifacts>>,
  ): Promise<string> => {
    const pathOf = (key: string) => join(storeRoot, ...key.split("/"));
    const imageKey = artifacts.find((artifact) => artifact.kind === "IMAGE")?.storageKey;
    const signature = artifacts.find((artifact) => artifact.name === "noop.img.minisig");
    if (!imageKey || !signature) throw new Error("the image or its signature is missing");
    const keys = join(tmp, "keys");
    await mkdir(keys, { recursive: true });
    const publicKey = join(keys, `bench-${randomBytes(4).toString("hex")}.pub`);
    await writeFile(publicKey, encodePublicKeyFile(signingKey));
    const { stdout } = await promisify(execFile)("minisign", [
      "-V",
      "-m",
      pathOf(imageKey),
      "-x",
      pathOf(signature.storageKey),
      "-p",
      publicKey,
    ]);
    return stdout.trim().split("\n")[0] ?? "";
  };

  // One uncounted round: the first build pays for the JIT, Prisma's connections and the image
  // lookups, the first docker run for the CLI's own caches.
  await runBbos();
  await runStamped();
  await runTrue();
  publishing.length = 0;
  const bbos: Sample[] = [];
  const stamped: Omit<Sample, "running" | "total">[] = [];
  const trueRuns: number[] = [];
  for (let run = 0; run < runs; run++) {
    bbos.push(await runBbos());
    stamped.push(await runStamped());
    trueRuns.push(await runTrue());
  }

  const of = <T>(samples: T[], pick: (sample: T) => number | null) =>
    samples.flatMap((sample) => {
      const value = pick(sample);
      return value === null ? [] : [value];
    });
  const row = (measure: string, ours: number[], reference: number[] | null): Row => ({
    measure,
    bbos: medianP90(ours),
    reference: reference ? medianP90(reference) : "—",
    ratio: reference ? ratio(median(ours), median(reference)) : "—",
  });
  const rows: Row[] = [
    row(
      "enqueue → RUNNING in PostgreSQL (startedAt)",
      of(bbos, (s) => s.running),
      null,
    ),
    row(
      "enqueue → step's first instruction in its container",
      of(bbos, (s) => s.containerStart),
      of(stamped, (s) => s.containerStart),
    ),
    row(
      "enqueue → step's first line at a reader",
      of(bbos, (s) => s.firstLine),
      of(stamped, (s) => s.firstLine),
    ),
    row(
      "step's last instruction → done",
      of(bbos, (s) => s.afterLast),
      of(stamped, (s) => s.afterLast),
    ),
    row(
      "  of which: → publishing starts (exit, removal)",
      of(publishing, (s) => s.toPublish),
      of(stamped, (s) => s.afterLast),
    ),
    row(
      "  of which: store + sign 6 objects",
      of(publishing, (s) => s.publish),
      null,
    ),
    row(
      "  of which: log artifact, record, read back",
      of(publishing, (s) => s.toSucceeded),
      null,
    ),
    row(
      "enqueue → SUCCEEDED in PostgreSQL (total)",
      of(bbos, (s) => s.total),
      trueRuns,
    ),
  ];
  const notes = [
    `ms, median / p90 of ${runs} runs each after one uncounted; ratio = BBOS median ÷ reference median`,
    `BBOS: startBuilder (concurrency 1) runs the no-op recipe's one step in ${image} as bash -euo pipefail -c`,
    "  (stamp; write out/noop.img; stamp), then stores and signs what a build publishes",
    `  (${EXPECTED_KINDS.join(", ")}); a reader is a createBuildLogFollower follow, "done" the row read back as SUCCEEDED`,
    `reference: docker run --rm --network none <image> bash -euo pipefail -c (stamp; stamp) for the first three`,
    `  rows and the fourth (a reader is this process reading the CLI's stdout, "done" the CLI's exit);`,
    "  docker run --rm --network none <image> true, spawn to exit, for the total",
    `  the "of which" rows come from the times the worker appended its own log lines (ms resolution);`,
    "  their reference is again the CLI's last instruction → exit, which includes its --rm",
    `image signature checked with minisign: ${verified}`,
  ];
  // Closed here, so that what the worker logs while closing is reported too.
  await cleanup.run();
  const warnings = [...workerLog.messages].map(([msg, count]) => `${count}× "${msg}"`);
  notes.push(`worker log at warn and above: ${warnings.length > 0 ? warnings.join("; ") : "none"}`);
  return { rows, notes };
}
