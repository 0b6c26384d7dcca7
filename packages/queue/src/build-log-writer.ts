// Appends a build's output to its log stream (format in build-log.ts). `append` only buffers;
// a pump writes the buffer in batches, one pipeline per batch, so a chatty build costs one round
// trip per `maxBatch` lines and never holds the event loop for long.
//
// Every buffered line gets its number when it is appended and keeps it until Redis confirmed
// it, so a retried write is idempotent: XADD with an id that already exists fails, and the
// writer then checks whether the stored entry is its own line (a write whose reply was lost) or
// someone else's (a second writer of the same build, e.g. a stalled job that still runs), and
// only in that case renumbers its remaining lines after the newest entry. Numbers then stay
// unique and every line is kept once, but lines of one writer that follow the conflict in the
// same batch may already be stored, so around it that writer's lines can change places.
import type { Redis } from "ioredis";

import {
  buildLogChannel,
  buildLogKey,
  decodeEntry,
  parseEntryId,
  type BuildLogStream,
} from "./build-log.ts";

/** Options for {@link createBuildLogWriter}. */
export interface BuildLogWriterOptions {
  /** Key prefix shared with readers and followers. */
  prefix: string;
  buildId: string;
  /**
   * The stream keeps about this many entries (`XADD MAXLEN ~`); older lines are trimmed, and
   * readers are told how many they missed.
   * @defaultValue 100000
   */
  maxLines?: number;
  /**
   * How long appended lines may wait before they are written.
   * @defaultValue 50
   */
  flushIntervalMs?: number;
  /**
   * Lines per pipeline; a full batch is written at once, without waiting for the interval.
   * @defaultValue 500
   */
  maxBatch?: number;
  /**
   * Lines that may wait for Redis (while it is unreachable, or slower than the build). Past it,
   * lines are dropped and counted, and a `sys` line saying how many follows once there is room.
   * @defaultValue 10000
   */
  maxBuffered?: number;
  /**
   * Longer lines are cut (after redaction) and marked, in UTF-16 code units.
   * @defaultValue 4096
   */
  maxLineLength?: number;
  /**
   * Seconds the log is kept after its last write; every write renews it, so the log of a build
   * whose worker died without `end()` goes away too.
   * @defaultValue 604800 (7 days)
   */
  ttlSeconds?: number;
  /** Applied to every line before it is buffered, e.g. to mask secrets; it never sees `\n`. */
  redact?: (line: string) => string;
  /** @defaultValue `Date.now` */
  now?: () => number;
}

/** Writes one build's log; made by {@link createBuildLogWriter}. */
export interface BuildLogWriter {
  /**
   * Buffers `text` as lines: one trailing `\n` is ignored and the rest is split at `\n`, so
   * `"a\nb\n"` is two lines and `""` one empty line (`\r` and ANSI escapes stay as they are).
   * Joining a process's output chunks into lines is the caller's job. Never waits, and never
   * throws unless `redact` does; lines appended after `end()` are dropped.
   */
  append(text: string, stream?: BuildLogStream): void;
  /**
   * Writes everything buffered so far. Rejects if Redis fails; the lines stay buffered and are
   * retried in the background (with backoff up to 5 s) and by the next `flush()`.
   */
  flush(): Promise<void>;
  /**
   * Flushes, then appends the end marker, publishes and renews the expiry. Idempotent; rejects
   * like `flush()`, and the background retries then write the end marker too.
   */
  end(): Promise<void>;
  /** The number of the last line Redis confirmed; 0 if none (in this log). */
  readonly lastSeq: number;
}

interface PendingLine {
  /** Counts appends; unlike `seq` it never changes, so `flush()` can tell what it waits for. */
  n: number;
  seq: number;
  t: number;
  s: BuildLogStream;
  l: string;
}

const MAX_RETRY_DELAY_MS = 5_000;
const DUPLICATE_ID = /equal or smaller than the target stream top item/;

const isDuplicateId = (error: Error | null) => error !== null && DUPLICATE_ID.test(error.message);

function splitLines(text: string): string[] {
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

function truncate(line: string, max: number): string {
  if (line.length <= max) return line;
  let cut = max;
  // Never split a surrogate pair: half of one is not valid UTF-8 and would reach Redis as U+FFFD.
  const code = line.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${line.slice(0, cut)} … [${line.length - cut} more characters cut]`;
}

/**
 * Opens the log of a build for writing. Reads the newest entry first and numbers new lines after
 * it, so a retried build (or a second writer after a crash) continues the numbering.
 *
 * While Redis is unreachable, `append` keeps buffering up to `maxBuffered` lines and writes
 * resume when it is back; what did not fit is dropped and announced by one `sys` line. If the
 * process exits before they are written, buffered lines are lost (timers are unref'd, so the
 * writer never keeps a process alive): await `end()` before exiting.
 */
export async function createBuildLogWriter(
  redis: Redis,
  options: BuildLogWriterOptions,
): Promise<BuildLogWriter> {
  const {
    prefix,
    buildId,
    maxLines = 100_000,
    flushIntervalMs = 50,
    maxBatch = 500,
    maxBuffered = 10_000,
    maxLineLength = 4_096,
    ttlSeconds = 7 * 24 * 60 * 60,
    redact,
    now = Date.now,
  } = options;
  const key = buildLogKey(prefix, buildId);
  const channel = buildLogChannel(prefix);

  const newestSeq = async () => {
    const [newest] = (await redis.xrevrange(key, "+", "-", "COUNT", 1)) as [string, string[]][];
    return newest ? parseEntryId(newest[0]).seq : 0;
  };

  let lastSeq = await newestSeq();
  let nextSeq = lastSeq + 1;
  /** Lines not confirmed yet, in seq order; the ones being written are still here. */
  let pending: PendingLine[] = [];
  let appended = 0;
  let dropped = 0;
  let ending = false;
  let endWritten = false;
  let pumping: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let retryDelay = 0;

  const push = (s: BuildLogStream, l: string) => {
    pending.push({ n: ++appended, seq: nextSeq++, t: now(), s, l });
  };

  /** Announces dropped lines once there is room, in the place where they went missing. */
  const noteDropped = () => {
    if (dropped === 0 || pending.length >= maxBuffered) return;
    push("sys", `[bbos] ${dropped} log lines were dropped: the log store was unreachable or slow`);
    dropped = 0;
  };

  const schedule = (delayMs: number) => {
    if (timer || pumping) return;
    timer = setTimeout(() => {
      timer = null;
      pump().catch(() => {
        // pump() already scheduled the retry; nobody awaits a background write.
      });
    }, delayMs);
    timer.unref();
  };

  const xadd = (pipeline: ReturnType<Redis["pipeline"]>, id: string, fields: string[]) =>
    pipeline.xadd(key, "MAXLEN", "~", maxLines, id, ...fields);

  /** Writes one batch; throws if Redis failed for any of its lines (the rest are kept). */
  const writeBatch = async (batch: PendingLine[]) => {
    const pipeline = redis.pipeline();
    for (const line of batch) {
      xadd(pipeline, `${line.seq}-0`, ["t", String(line.t), "s", line.s, "l", line.l]);
    }
    pipeline.expire(key, ttlSeconds).publish(channel, buildId);
    const results = await pipeline.exec();
    if (!results) throw new Error(`writing ${key} returned no results`);

    const written = new Set<PendingLine>();
    const taken: PendingLine[] = [];
    let failure: Error | null = null;
    for (const [i, line] of batch.entries()) {
      const error = results[i]?.[0] ?? null;
      if (!error) written.add(line);
      else if (isDuplicateId(error)) taken.push(line);
      else failure ??= error;
    }
    if (taken.length > 0) {
      // Compare with what is stored at those ids: our own line means an earlier write landed
      // and only its reply was lost.
      const check = redis.pipeline();
      for (const line of taken) check.xrange(key, `${line.seq}-0`, `${line.seq}-0`);
      const stored = await check.exec();
      // Unsure what is stored: keep the numbers and try again later, rather than renumber a
      // line that may be ours (that would store it twice).
      const unsure = !stored ? new Error(`checking ${key} returned no results`) : null;
      const checkFailure = unsure ?? stored?.find(([error]) => error)?.[0];
      if (checkFailure) throw checkFailure;
      let foreign = false;
      for (const [i, line] of taken.entries()) {
        const [entry] = (stored?.[i]?.[1] ?? []) as [string, string[]][];
        const mine = entry ? decodeEntry(entry).line : null;
        if (mine && mine.at === line.t && mine.stream === line.s && mine.text === line.l) {
          written.add(line);
        } else foreign = true;
      }
      if (foreign) {
        // Another writer took these numbers: continue after the newest entry. Our remaining
        // lines keep their order among themselves.
        nextSeq = (await newestSeq()) + 1;
        for (const line of pending) if (!written.has(line)) line.seq = nextSeq++;
      }
    }
    for (const line of written) lastSeq = Math.max(lastSeq, line.seq);
    if (written.size > 0) pending = pending.filter((line) => !written.has(line));
    if (failure) throw failure;
  };

  const writeEnd = async (after: number): Promise<void> => {
    // `${after}-*`: Redis picks the next free sub-id after the line, so the marker never takes
    // a line number, and several ends (one per attempt) can follow the same line.
    const pipeline = redis.pipeline();
    xadd(pipeline, `${after}-*`, ["end", "1"]);
    pipeline.expire(key, ttlSeconds).publish(channel, buildId);
    const results = await pipeline.exec();
    if (!results) throw new Error(`writing ${key} returned no results`);
    const failure = results.find(([error]) => error)?.[0] ?? null;
    // Another writer added lines after ours: the end goes after them.
    if (isDuplicateId(failure)) return writeEnd(await newestSeq());
    if (failure) throw failure;
    endWritten = true;
  };

  const drain = async () => {
    try {
      while (pending.length > 0 || (ending && !endWritten)) {
        if (pending.length > 0) await writeBatch(pending.slice(0, maxBatch));
        else await writeEnd(lastSeq);
        retryDelay = 0;
        noteDropped();
        if (!ending && pending.length > 0 && pending.length < maxBatch) {
          break; // a part batch waits for the interval, to gather more lines
        }
      }
    } catch (error) {
      retryDelay = Math.min(Math.max(retryDelay * 2, flushIntervalMs), MAX_RETRY_DELAY_MS);
      throw error;
    }
  };

  /** Runs one drain at a time; when it ends, schedules whatever is left. */
  const pump = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!pumping) {
      pumping = drain().finally(() => {
        pumping = null;
        if (pending.length > 0 || (ending && !endWritten)) {
          schedule(retryDelay || flushIntervalMs);
        }
      });
    }
    return pumping;
  };

  /** Waits until everything buffered now is written, joining or following a running drain. */
  const settle = async () => {
    const target = appended;
    for (;;) {
      await pump();
      const written = (pending[0]?.n ?? Infinity) > target;
      if (written && (!ending || endWritten)) return;
    }
  };

  let kicked = false;
  /**
   * A full batch is written at once, but after the current task: `append` stays cheap. Not
   * while backing off after a failure: the retry timer is already set.
   */
  const kick = () => {
    if (kicked || pumping || retryDelay > 0) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      pump().catch(() => {
        // pump() already scheduled the retry; nobody awaits a background write.
      });
    });
  };

  return {
    append(text, stream = "out") {
      if (ending) return;
      for (const raw of splitLines(text)) {
        const line = truncate(redact ? redact(raw) : raw, maxLineLength);
        if (pending.length >= maxBuffered) {
          dropped += 1;
          continue;
        }
        noteDropped();
        push(stream, line);
      }
      if (pending.length >= maxBatch) kick();
      else schedule(flushIntervalMs);
    },

    flush: settle,

    async end() {
      if (!ending) {
        noteDropped();
        ending = true;
      }
      await settle();
    },

    get lastSeq() {
      return lastSeq;
    },
  };
}
