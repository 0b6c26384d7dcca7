import { spawnSync } from "node:child_process";

import { describe, expect, it } from "vitest";

import { tarFile } from "./tar-file.ts";

describe("tarFile", () => {
  it("makes an archive that tar lists and extracts byte for byte", () => {
    const content = "FROM scratch\n".repeat(100);
    const archive = tarFile("Dockerfile", content);
    expect(archive.length % 512).toBe(0);
    const list = spawnSync("tar", ["-tv"], { input: archive, encoding: "utf8" });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^-rw-r--r-- root\/root +1300 1970-01-01 00:00 Dockerfile\n$/);
    const extracted = spawnSync("tar", ["-xO", "Dockerfile"], { input: archive, encoding: "utf8" });
    expect(extracted.stdout).toBe(content);
  });

  it("gives equal bytes for equal input", () => {
    expect(tarFile("Dockerfile", "x").equals(tarFile("Dockerfile", "x"))).toBe(true);
  });

  it("refuses names ustar cannot hold", () => {
    expect(() => tarFile("", "x")).toThrow(/1 to 100 bytes/);
    expect(() => tarFile("a".repeat(101), "x")).toThrow(/1 to 100 bytes/);
  });
});
