// A build's user-facing log is one Redis stream per build. The stream entry id carries the line
// number, so the cursor a client holds (the last `seq` it saw) is also a stream position:
//
//   key    `${prefix}:build:${buildId}:log`
//   line   id `${seq}-0`, fields t (epoch ms), s (out | err | sys), l (the text, unchanged)
//   end    id `${seq}-N` with N ≥ 1 (after the line `seq`), field end = 1; not a line
//
// Line numbers start at 1 and never repeat: a retried build continues after the last entry, so
// a log can hold several end markers, and only one that is the newest entry means "finished".
// The writer (build-log-writer.ts) and the follower (build-log-follower.ts) share this format.
import type { Redis } from "ioredis";

/** Which output a line came from: the build's stdout, its stderr, or BBOS itself. */
export type BuildLogStream = "out" | "err" | "sys";

/** One line of a build log. */
export interface BuildLogLine {
  /** 1, 2, 3, … per build; the cursor to resume after this line. */
  seq: number;
  /** When the line was written (epoch ms). */
  at: number;
  stream: BuildLogStream;
  /** The line without its newline; ANSI escapes are kept. */
  text: string;
}

/** The stream key of a build's log. */
export function buildLogKey(prefix: string, buildId: string): string {
  return `${prefix}:build:${buildId}:log`;
}

/** The channel a writer publishes the build id on after each write. */
export function buildLogChannel(prefix: string): string {
  return `${prefix}:build-log`;
}

/** A stream entry id split into its parts: `seq` is the line number, `sub` > 0 marks an end. */
export interface EntryId {
  seq: number;
  sub: number;
}

export function parseEntryId(id: string): EntryId {
  const dash = id.indexOf("-");
  return { seq: Number(id.slice(0, dash)), sub: Number(id.slice(dash + 1)) };
}

function compareEntryIds(a: EntryId, b: EntryId): number {
  return a.seq - b.seq || a.sub - b.sub;
}

/** A decoded stream entry: a line, or an end marker. */
export type LogEntry = { id: EntryId; line: BuildLogLine } | { id: EntryId; line: null };

type RawEntry = [id: string, fields: string[]];

const STREAMS = new Set<string>(["out", "err", "sys"]);

export function decodeEntry([rawId, fields]: RawEntry): LogEntry {
  const id = parseEntryId(rawId);
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] ?? "", fields[i + 1] ?? "");
  if (id.sub > 0 || values.has("end")) return { id, line: null };
  const stream = values.get("s") ?? "";
  return {
    id,
    line: {
      seq: id.seq,
      at: Number(values.get("t") ?? 0),
      stream: STREAMS.has(stream) ? (stream as BuildLogStream) : "sys",
      text: values.get("l") ?? "",
    },
  };
}

/** The first line number still stored, given the oldest entry (lines up to an end are gone). */
function firstAvailable(first: EntryId): number {
  return first.sub > 0 ? first.seq + 1 : first.seq;
}

/** What one consistent look at a log returns; see {@link readLogEntries}. */
export interface LogSnapshot {
  /** Entries after the cursor, oldest first (lines and end markers). */
  entries: LogEntry[];
  /** Whether the newest entry of the log is an end marker and `entries` reach it. */
  ended: boolean;
  /** The smallest line number that can still be read, or null when the log does not exist. */
  firstAvailableSeq: number | null;
}

/**
 * Reads up to `count` entries after the entry `after` (exclusive), plus the oldest and newest
 * entry, in one MULTI so the three agree with each other.
 */
export async function readLogEntries(
  redis: Redis,
  key: string,
  after: EntryId,
  count: number,
): Promise<LogSnapshot> {
  const results = await redis
    .multi()
    .xrange(key, `(${after.seq}-${after.sub}`, "+", "COUNT", count)
    .xrange(key, "-", "+", "COUNT", 1)
    .xrevrange(key, "+", "-", "COUNT", 1)
    .exec();
  if (!results) throw new Error(`reading ${key} was aborted`);
  const [range, first, last] = results.map(([error, value]) => {
    if (error) throw error;
    return value as RawEntry[];
  });
  const entries = (range ?? []).map(decodeEntry);
  const oldest = first?.[0];
  const newest = last?.[0] ? decodeEntry(last[0]) : undefined;
  const reached = entries.at(-1)?.id ?? after;
  return {
    entries,
    ended: newest !== undefined && newest.line === null && compareEntryIds(reached, newest.id) >= 0,
    firstAvailableSeq: oldest ? firstAvailable(parseEntryId(oldest[0])) : null,
  };
}

/** Options for {@link readBuildLog}. */
export interface ReadBuildLogOptions {
  /** The prefix the writer used. */
  prefix: string;
  buildId: string;
  /** Return lines with `seq > after`; 0 for the beginning. */
  after: number;
  /**
   * At most this many stream entries are read (an end marker counts), so at most this many lines
   * are returned. Capped at 10,000.
   * @defaultValue 1000
   */
  limit?: number;
}

/** One page of a build log. */
export interface BuildLogPage {
  lines: BuildLogLine[];
  /** True when the log is finished and `lines` is its end: there is nothing after them. */
  ended: boolean;
  /**
   * The smallest line number still stored (older lines were trimmed), or null when the log does
   * not exist (the build has not written yet, or its log expired). If it is greater than
   * `after + 1`, lines `after + 1 … firstAvailableSeq - 1` are gone for good.
   */
  firstAvailableSeq: number | null;
}

const MAX_READ = 10_000;

/** Reads the lines of a build log after a cursor; page on with `after = lines.at(-1).seq`. */
export async function readBuildLog(
  redis: Redis,
  { prefix, buildId, after, limit = 1000 }: ReadBuildLogOptions,
): Promise<BuildLogPage> {
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new RangeError(`after must be a non-negative integer, got ${after}`);
  }
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  // `after-0` as exclusive start: the end markers `after-N` that follow line `after` are read
  // too, so a client that has every line still learns that the log ended.
  const snapshot = await readLogEntries(
    redis,
    buildLogKey(prefix, buildId),
    { seq: after, sub: 0 },
    Math.min(limit, MAX_READ),
  );
  return {
    lines: snapshot.entries.flatMap(({ line }) => (line ? [line] : [])),
    ended: snapshot.ended,
    firstAvailableSeq: snapshot.firstAvailableSeq,
  };
}
