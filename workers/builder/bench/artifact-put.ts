// Part 3 of builds.bench.ts: publishing a big image. One 1 GiB file of random data goes through
// `createFileObjectStore(...).put(key, createReadStream(file))` (size, SHA-256 and BLAKE2b-512 in
// the pass that stores and fsyncs it) and `signPrehashed` of its BLAKE2b digest, as the recipe
// runner publishes an image; beside `sha256sum` of the same file, and, for the same work done by
// standard tools one after the other, `sha256sum` + `b2sum` + `dd conv=fsync`. The file is
// fsynced after it is made and read from the page cache by all of them.
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { randomFillSync } from "node:crypto";

import { createFileObjectStore, generateSigningKey, signPrehashed } from "@bbos/artifacts";

import {
  createCleanup,
  fixed,
  ratio,
  timedRun,
  type Cleanup,
  type Row,
  type TimedRun,
} from "./bench-kit.ts";

const SIZE = 1024 * 1024 * 1024;
const MB = SIZE / 1e6;
const RSS_SAMPLE_MS = 50;

async function writeRandomFile(path: string): Promise<void> {
  const handle = await open(path, "wx", 0o600);
  try {
    const chunk = Buffer.allocUnsafe(16 * 1024 * 1024);
    for (let written = 0; written < SIZE; written += chunk.byteLength) {
      randomFillSync(chunk);
      await handle.write(chunk);
    }
    // Clean pages: no writeback of this file runs under the measurements.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Event-loop delay over `work`, in ms. */
async function withLoopDelay<T>(
  work: () => Promise<T>,
): Promise<{ result: T; max: number; p99: number }> {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const result = await work();
    histogram.disable();
    return { result, max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6 };
  } finally {
    histogram.disable();
  }
}

const seconds = (run: TimedRun) => (run.closedAt - run.spawnedAt) / 1000;
const firstWord = (run: TimedRun) => run.stdout[0]?.text.split(" ")[0] ?? "";

export interface ArtifactPutOptions {
  /** A private directory; the 1 GiB file and the store go in a folder of their own under it. */
  tmp: string;
  /** Where this part registers its own cleanup too, for a signal that cuts the run short. */
  cleanup: Cleanup;
}

/** Runs part 3; the file, the stored copy and dd's copy are gone when it returns or throws. */
export async function measureArtifactPut(
  options: ArtifactPutOptions,
): Promise<{ rows: Row[]; notes: string[] }> {
  const dir = await mkdtemp(join(options.tmp, "put-"));
  const cleanup = createCleanup();
  cleanup.add("remove the 1 GiB files", () => rm(dir, { recursive: true, force: true }));
  options.cleanup.add("stop part 3", () => cleanup.run());
  try {
    return await runPart(dir);
  } finally {
    await cleanup.run();
  }
}

async function runPart(dir: string) {
  const file = join(dir, "random.bin");
  const madeAt = performance.now();
  await writeRandomFile(file);
  const madeIn = (performance.now() - madeAt) / 1000;

  // The loop's delay while it only waits for a child: what the put's figure compares with.
  const waited = await withLoopDelay(() => timedRun("sha256sum", [file]));
  const sha256sum = waited.result;
  const b2sum = await timedRun("b2sum", [file]);
  const ddCopy = join(dir, "dd.bin");
  const dd = await timedRun("dd", [
    `if=${file}`,
    `of=${ddCopy}`,
    "bs=1M",
    "conv=fsync",
    "status=none",
  ]);
  await rm(ddCopy);

  const store = createFileObjectStore({ root: join(dir, "store") });
  const key = generateSigningKey();
  globalThis.gc?.();
  const rssBefore = process.memoryUsage.rss();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  const putStarted = performance.now();
  let signMs = 0;
  const put = await withLoopDelay(async () => {
    const stored = await store.put("bench/random.bin", createReadStream(file), {
      contentType: "application/octet-stream",
    });
    const signStarted = performance.now();
    signPrehashed(key, stored.blake2b512, {
      trustedComment: `file:random.bin\tsha256:${stored.sha256}`,
    });
    signMs = performance.now() - signStarted;
    return stored;
  }).finally(() => clearInterval(sampler));
  const putSeconds = (performance.now() - putStarted) / 1000;
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  await store.deletePrefix("bench/");

  // Again after the put, so a drift of the machine's load shows.
  const sha256sumAfter = await timedRun("sha256sum", [file]);
  const referenceSeconds = (seconds(sha256sum) + seconds(sha256sumAfter)) / 2;
  const toolsSeconds = referenceSeconds + seconds(b2sum) + seconds(dd);
  const digestsAgree =
    put.result.sha256 === firstWord(sha256sum) &&
    put.result.sha256 === firstWord(sha256sumAfter) &&
    put.result.blake2b512 === firstWord(b2sum) &&
    put.result.size === SIZE;
  if (!digestsAgree)
    throw new Error("the put's size or digests differ from sha256sum's and b2sum's");

  const mib = (bytes: number) => fixed(bytes / (1024 * 1024), 1);
  const rows: Row[] = [
    {
      measure: "put + sign vs sha256sum, MB/s",
      bbos: fixed(MB / putSeconds, 0),
      reference: fixed(MB / referenceSeconds, 0),
      ratio: ratio(MB / putSeconds, MB / referenceSeconds),
    },
    {
      measure: "put + sign vs sha256sum + b2sum + dd conv=fsync, MB/s",
      bbos: fixed(MB / putSeconds, 0),
      reference: fixed(MB / toolsSeconds, 0),
      ratio: ratio(MB / putSeconds, MB / toolsSeconds),
    },
    {
      measure: "wall time, s (vs sha256sum)",
      bbos: fixed(putSeconds, 2),
      reference: fixed(referenceSeconds, 2),
      ratio: ratio(putSeconds, referenceSeconds),
    },
    {
      measure: "signPrehashed of the BLAKE2b digest, ms",
      bbos: fixed(signMs, 3),
      reference: "—",
      ratio: "—",
    },
    {
      measure: `peak RSS increase, MiB (rss every ${RSS_SAMPLE_MS} ms)`,
      bbos: mib(rssPeak - rssBefore),
      reference: "—",
      ratio: "—",
    },
    {
      measure: "maxRSS increase, MiB (resourceUsage)",
      bbos: mib(maxRssAfter - maxRssBefore),
      reference: "—",
      ratio: "—",
    },
    {
      measure: "event-loop delay max, ms (vs waiting for sha256sum)",
      bbos: fixed(put.max, 1),
      reference: fixed(waited.max, 1),
      ratio: ratio(put.max, waited.max),
    },
    {
      measure: "event-loop delay p99, ms",
      bbos: fixed(put.p99, 1),
      reference: fixed(waited.p99, 1),
      ratio: ratio(put.p99, waited.p99),
    },
  ];
  const notes = [
    `1 GiB (MB = 10^6 bytes) of random data, made and fsynced in ${fixed(madeIn, 1)} s, read from the page cache; ratio = BBOS ÷ reference`,
    `sha256sum ${fixed(seconds(sha256sum), 2)} s before the put and ${fixed(seconds(sha256sumAfter), 2)} s after (the reference is their mean);`,
    `  b2sum ${fixed(seconds(b2sum), 2)} s, dd bs=1M conv=fsync ${fixed(seconds(dd), 2)} s`,
    `the put's size, SHA-256 and BLAKE2b-512 agree with sha256sum and b2sum`,
    `rss ${mib(rssBefore)} MiB before the put${globalThis.gc ? " (after gc)" : ""}, ${mib(rssPeak)} MiB at most during it; maxRSS ${mib(maxRssBefore)} → ${mib(maxRssAfter)} MiB`,
    "event-loop delay: monitorEventLoopDelay, 10 ms resolution, over the put and over the wait for sha256sum",
  ];
  return { rows, notes };
}
