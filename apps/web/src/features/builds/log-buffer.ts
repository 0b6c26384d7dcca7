import Anser from "anser";

import type { BuildLogStream } from "../../../generated/graphql/graphql";

/** One line of a build's log, as `buildLog` pushes it. */
export interface LogLine {
  seq: number;
  at: string;
  stream: BuildLogStream;
  text: string;
}

/**
 * A build's log lines in `seq` order, appended in place: the viewer reads `lines` by index, so
 * 100,000 lines cost no copying per update. Search and error finding read a lowercase copy of
 * each line without its ANSI codes, made once on append.
 */
export interface LogBuffer {
  readonly lines: readonly LogLine[];
  /** The highest `seq` appended; 0 when empty. Resubscribe with it as `after`. */
  readonly lastSeq: number;
  /**
   * Index of the first line that reads as an error ({@link isErrorLine}); -1 when there is none.
   */
  readonly firstErrorIndex: number;
  /** Appends `line` unless its `seq` is not after `lastSeq` (a repeat); says whether it did. */
  append(line: LogLine): boolean;
  /**
   * Indices of the lines containing `query`, ignoring case and colours, among the first `count`
   * (all by default; a viewer passes the count it shows); none for "".
   */
  search(query: string, count?: number): number[];
}

/** The words as words: not inside a name such as the package `libgpg-error-l10n`. */
const ERROR_WORD = /(?<![\w.-])(error|failed|fatal)(?![\w-])/i;
/** How tools put a failure on stderr without those words: apt's `E:`, the C library's messages. */
const STDERR_FAILURE =
  /^(E|F): |\b(cannot|can't|no such file|not found|permission denied|no space left|segmentation fault)\b/i;

/**
 * Whether a line reads as an error: it names an error, a failure or a fatal condition, or it is
 * on stderr and says what failing tools say. Other stderr lines are not errors: build tools
 * report progress there (mmdebstrap's `I:` lines, systemctl's "Created symlink").
 */
function isErrorLine(plain: string, stream: LogLine["stream"]): boolean {
  return ERROR_WORD.test(plain) || (stream === "ERR" && STDERR_FAILURE.test(plain));
}

export function createLogBuffer(): LogBuffer {
  const lines: LogLine[] = [];
  const searchable: string[] = [];
  let lastSeq = 0;
  let firstErrorIndex = -1;

  return {
    lines,
    get lastSeq() {
      return lastSeq;
    },
    get firstErrorIndex() {
      return firstErrorIndex;
    },
    append(line) {
      if (line.seq <= lastSeq) return false;
      lastSeq = line.seq;
      const plain = toPlainText(line.text);
      if (firstErrorIndex === -1 && isErrorLine(plain, line.stream)) {
        firstErrorIndex = lines.length;
      }
      lines.push(line);
      searchable.push(plain.toLowerCase());
      return true;
    },
    search(query, count = searchable.length) {
      const needle = query.toLowerCase();
      if (needle === "") return [];
      const matches: number[] = [];
      const end = Math.min(count, searchable.length);
      for (let index = 0; index < end; index++) {
        if (searchable[index]?.includes(needle)) matches.push(index);
      }
      return matches;
    },
  };
}

/** The text without ANSI escape codes; most lines have none, so they skip the parser. */
function toPlainText(text: string): string {
  return text.includes("\u001b") ? Anser.ansiToText(text) : text;
}
