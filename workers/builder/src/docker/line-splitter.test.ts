import { describe, expect, it } from "vitest";

import { createLineSplitter, MAX_LINE_BYTES } from "./line-splitter.ts";

function split(chunks: (string | Buffer)[], maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), maxLineBytes);
  for (const chunk of chunks) splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  splitter.end();
  return lines;
}

describe("createLineSplitter", () => {
  it("joins lines split across chunks and passes on a last line without a newline", () => {
    expect(split(["one\ntw", "o\n", "\nthr", "ee"])).toEqual(["one", "two", "", "three"]);
  });

  it("keeps ANSI escape codes and lone carriage returns, and drops CR of CRLF", () => {
    expect(split(["\u001b[31mred\u001b[0m\r\n", "50%\r100%\n"])).toEqual([
      "\u001b[31mred\u001b[0m",
      "50%\r100%",
    ]);
  });

  it("passes nothing on for empty input or a stream ending in a newline", () => {
    expect(split([])).toEqual([]);
    expect(split(["a\n"])).toEqual(["a"]);
  });

  it("decodes a UTF-8 character split across chunks", () => {
    const bytes = Buffer.from("grüße\n");
    expect(split([bytes.subarray(0, 3), bytes.subarray(3)])).toEqual(["grüße"]);
  });

  it("cuts a line longer than the limit into pieces of at most the limit", () => {
    const long = "a".repeat(MAX_LINE_BYTES * 2 + 10);
    const lines = split([long.slice(0, 1000), long.slice(1000), "\nnext\n"]);
    expect(lines.map((line) => line.length)).toEqual([MAX_LINE_BYTES, MAX_LINE_BYTES, 10, 4]);
    expect(lines.slice(0, 3).join("")).toBe(long);
  });

  it("never cuts inside a UTF-8 character", () => {
    // "€" is three bytes: with a limit of 4, "a€€" must become "a€" and "€".
    expect(split(["a€€\n"], 4)).toEqual(["a€", "€"]);
  });
});
