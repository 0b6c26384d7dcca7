import { describe, expect, it } from "vitest";

import { createLogBuffer, type LogLine } from "./log-buffer";

const line = (seq: number, text: string, stream: LogLine["stream"] = "OUT"): LogLine => ({
  seq,
  at: "2025-01-01T00:00:00.000Z",
  stream,
  text,
});

describe("createLogBuffer", () => {
  it("appends lines in seq order and ignores any at or before the last seq", () => {
    const buffer = createLogBuffer();
    expect(buffer.lastSeq).toBe(0);

    expect(buffer.append(line(1, "one"))).toBe(true);
    expect(buffer.append(line(2, "two"))).toBe(true);
    // Lines the server sends again (e.g. around a resubscription) are not shown twice.
    expect(buffer.append(line(2, "two again"))).toBe(false);
    expect(buffer.append(line(1, "one again"))).toBe(false);
    expect(buffer.append(line(3, "three"))).toBe(true);

    expect(buffer.lines.map((l) => l.text)).toEqual(["one", "two", "three"]);
    expect(buffer.lastSeq).toBe(3);
  });

  it("finds the first line naming an error, failure or fatal condition", () => {
    const buffer = createLogBuffer();
    buffer.append(line(1, "0 errors, terror is not a word match"));
    buffer.append(line(2, "Unpacking libgpg-error-l10n (1.46-1) ..."));
    expect(buffer.firstErrorIndex).toBe(-1);

    buffer.append(line(3, "\u001b[31mERROR\u001b[0m: no space left on device"));
    buffer.append(line(4, "make: *** [all] Failed"));
    expect(buffer.firstErrorIndex).toBe(2);
  });

  it("takes stderr lines for errors only where they say what failing tools say", () => {
    const stderr = createLogBuffer();
    stderr.append(line(1, "ok"));
    stderr.append(
      line(2, "I: running --customize-hook in shell: sh -c 'bash customize.sh'", "ERR"),
    );
    stderr.append(line(3, "Created symlink /etc/systemd/system/x.wants/y.service", "ERR"));
    stderr.append(line(4, "warning: something", "ERR"));
    expect(stderr.firstErrorIndex).toBe(-1);
    stderr.append(line(5, "cp: cannot stat '/work/in/x': No such file or directory", "ERR"));
    expect(stderr.firstErrorIndex).toBe(4);

    const apt = createLogBuffer();
    apt.append(line(1, "E: Unable to locate package nope", "ERR"));
    expect(apt.firstErrorIndex).toBe(0);
    // On stdout the same phrases are ordinary text (a file list, a search result).
    const stdout = createLogBuffer();
    stdout.append(line(1, "not found in cache, downloading"));
    expect(stdout.firstErrorIndex).toBe(-1);
  });

  it("searches case-insensitively, across colour codes, among the first count lines", () => {
    const buffer = createLogBuffer();
    buffer.append(line(1, "Compiling \u001b[1mLinux\u001b[0m 6.6"));
    buffer.append(line(2, "nothing here"));
    buffer.append(line(3, "linux-image installed"));

    expect(buffer.search("LINUX")).toEqual([0, 2]);
    expect(buffer.search("linux 6.6")).toEqual([0]);
    expect(buffer.search("linux", 2)).toEqual([0]);
    expect(buffer.search("")).toEqual([]);
  });
});
