import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { runTool } from "../test/run-tool.ts";
import { makeTempDir } from "../test/temp-dir.ts";
import { checksumFileText } from "./checksum-file.ts";
import { ArtifactError } from "./errors.ts";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("checksumFileText", () => {
  it("writes one `<sha256>  <name>` line per file, in order", () => {
    expect(
      checksumFileText([
        { name: "image.img.zst", sha256: sha256("a") },
        { name: "build.log", sha256: sha256("b") },
      ]),
    ).toBe(`${sha256("a")}  image.img.zst\n${sha256("b")}  build.log\n`);
  });

  it("writes nothing for no files", () => {
    expect(checksumFileText([])).toBe("");
  });

  it("is accepted by `sha256sum -c`, which fails once a file is tampered with", async () => {
    await using temp = await makeTempDir();
    const files = { "image.img.zst": "image bytes", "board config.json": "{}", "build.log": "" };
    for (const [name, contents] of Object.entries(files)) {
      await writeFile(join(temp.path, name), contents);
    }
    const entries = Object.entries(files).map(([name, contents]) => ({
      name,
      sha256: sha256(contents),
    }));
    await writeFile(join(temp.path, "SHA256SUMS"), checksumFileText(entries));

    const passed = await runTool("sha256sum", ["-c", "--strict", "SHA256SUMS"], temp.path);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toContain("image.img.zst: OK");
    expect(passed.stdout).toContain("board config.json: OK");

    await writeFile(join(temp.path, "image.img.zst"), "image bytez");
    const failed = await runTool("sha256sum", ["-c", "SHA256SUMS"], temp.path);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toContain("image.img.zst: FAILED");
  });

  it.each([
    ["a name with a newline", { name: "a\nb", sha256: sha256("x") }, /without line breaks/],
    ["a name with a carriage return", { name: "a\rb", sha256: sha256("x") }, /without line breaks/],
    ["a name with a backslash", { name: "a\\b", sha256: sha256("x") }, /backslashes/],
    ["an empty name", { name: "", sha256: sha256("x") }, /non-empty/],
    ["an upper-case digest", { name: "a", sha256: sha256("x").toUpperCase() }, /64 lowercase hex/],
    ["a short digest", { name: "a", sha256: "abc" }, /64 lowercase hex/],
  ])("refuses %s", (_, entry, message) => {
    expect(() => checksumFileText([entry])).toThrow(ArtifactError);
    expect(() => checksumFileText([entry])).toThrow(message);
  });

  it("refuses a name listed twice", () => {
    const entry = { name: "a", sha256: sha256("x") };
    expect(() => checksumFileText([entry, entry])).toThrow('file name "a" is listed twice');
  });
});
