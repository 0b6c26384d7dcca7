/** The longest line passed on in one piece; longer lines arrive as several pieces. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Turns a byte stream into lines; see {@link createLineSplitter}. */
export interface LineSplitter {
  /** Feeds the next chunk; complete lines are passed on before this returns. */
  push(chunk: Buffer): void;
  /** Passes on a last line that did not end in a newline, if any. */
  end(): void;
}

/**
 * Splits a byte stream into lines for `onLine`, in order.
 *
 * - Lines end at `\n`, which is not passed on; a `\r` right before it (CRLF) is dropped too.
 *   Every other byte is kept as it is, ANSI escape sequences and lone `\r` included.
 * - A chunk may end in the middle of a line (or of a UTF-8 character): the rest waits for the next
 *   chunk, or for `end()`.
 * - A line longer than `maxLineBytes` is passed on in pieces of at most that many bytes, cut
 *   before a UTF-8 character boundary, so that one runaway line cannot exhaust memory.
 *
 * Bytes are decoded as UTF-8 once a line is complete; invalid sequences become U+FFFD.
 */
export function createLineSplitter(
  onLine: (line: string) => void,
  maxLineBytes: number = MAX_LINE_BYTES,
): LineSplitter {
  let pending: Buffer = Buffer.alloc(0);

  const append = (piece: Buffer): void => {
    if (piece.length === 0) return;
    pending = pending.length === 0 ? piece : Buffer.concat([pending, piece]);
    while (pending.length > maxLineBytes) {
      const cut = utf8Boundary(pending, maxLineBytes);
      onLine(pending.toString("utf8", 0, cut));
      pending = pending.subarray(cut);
    }
  };

  return {
    push(chunk) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(0x0a, start);
        if (newline === -1) {
          // Copied: the caller may reuse the chunk's memory once push returns.
          append(Buffer.from(chunk.subarray(start)));
          return;
        }
        append(chunk.subarray(start, newline));
        const end = pending.length > 0 && pending[pending.length - 1] === 0x0d ? -1 : undefined;
        const line = pending.subarray(0, end).toString("utf8");
        pending = Buffer.alloc(0);
        onLine(line);
        start = newline + 1;
      }
    },
    end() {
      if (pending.length === 0) return;
      const line = pending.toString("utf8");
      pending = Buffer.alloc(0);
      onLine(line);
    },
  };
}

/** The largest index ≤ `max` that does not fall inside a UTF-8 multi-byte character. */
function utf8Boundary(bytes: Buffer, max: number): number {
  let cut = max;
  // Continuation bytes look like 10xxxxxx; a character is at most 4 bytes long.
  while (cut > max - 4 && cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut > 0 && cut > max - 4 ? cut : max;
}
