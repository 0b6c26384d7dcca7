import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { makeTempDir } from "../../test/temp-dir.ts";
import { SigningKeyError } from "../errors.ts";
import { loadOrCreateSigningKey } from "./load-signing-key.ts";
import { encodeSecretKeyFile } from "./secret-key-file.ts";
import { generateSigningKey, keyIdHex } from "./signing-key.ts";

describe("loadOrCreateSigningKey", () => {
  it("reads the configured key file and does not warn", async () => {
    await using temp = await makeTempDir();
    const key = generateSigningKey();
    const keyFile = join(temp.path, "bbos.key");
    await writeFile(keyFile, encodeSecretKeyFile(key), { mode: 0o600 });
    const warnings: string[] = [];
    const loaded = await loadOrCreateSigningKey({
      keyFile,
      devKeyFile: join(temp.path, "dev.key"),
      warn: (message) => warnings.push(message),
    });
    expect(keyIdHex(loaded)).toBe(keyIdHex(key));
    expect(warnings).toEqual([]);
    expect(await readdir(temp.path)).toEqual(["bbos.key"]); // no development key made
  });

  it("names the path when the configured key file is missing, and never falls back", async () => {
    await using temp = await makeTempDir();
    const keyFile = join(temp.path, "missing.key");
    const error: unknown = await loadOrCreateSigningKey({
      keyFile,
      devKeyFile: join(temp.path, "dev.key"),
      warn: () => undefined,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SigningKeyError);
    expect((error as SigningKeyError).code).toBe("SIGNING_KEY_UNAVAILABLE");
    expect((error as Error).message).toContain(`cannot read the signing key file ${keyFile}`);
    expect(await readdir(temp.path)).toEqual([]);
  });

  it("names the path when the configured key file is not a usable key", async () => {
    await using temp = await makeTempDir();
    const keyFile = join(temp.path, "bad.key");
    await writeFile(keyFile, "untrusted comment: x\nAAAA\n");
    await expect(
      loadOrCreateSigningKey({
        keyFile,
        devKeyFile: join(temp.path, "dev.key"),
        warn: () => undefined,
      }),
    ).rejects.toThrow(`signing key file ${keyFile}: wrong length`);
  });

  it("names the path when the configured key file is unreadable", async () => {
    await using temp = await makeTempDir();
    // A folder where the file should be: unreadable as a file even for root (mode bits are not).
    const keyFile = join(temp.path, "folder.key");
    await mkdir(keyFile);
    await expect(
      loadOrCreateSigningKey({
        keyFile,
        devKeyFile: join(temp.path, "dev.key"),
        warn: () => undefined,
      }),
    ).rejects.toThrow(`cannot read the signing key file ${keyFile}: EISDIR`);
  });

  it("generates a development key once, private to its owner, and warns loudly every time", async () => {
    await using temp = await makeTempDir();
    const devKeyFile = join(temp.path, "state", "signing", "dev.key");
    const warnings: string[] = [];
    const options = { devKeyFile, warn: (message: string) => warnings.push(message) };

    const first = await loadOrCreateSigningKey(options);
    expect((await stat(devKeyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(temp.path, "state", "signing"))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(temp.path, "state", "signing"))).toEqual(["dev.key"]);

    const second = await loadOrCreateSigningKey(options);
    expect(keyIdHex(second)).toBe(keyIdHex(first));

    expect(warnings).toHaveLength(2);
    for (const warning of warnings) {
      expect(warning).toContain(`generated DEVELOPMENT key at ${devKeyFile}`);
      expect(warning).toContain("NOT for production");
      expect(warning).toContain("minisign -G -W");
      expect(warning).toContain("set SIGNING_KEY_FILE to the path");
    }
  });

  it("names the setting the operator configures", async () => {
    await using temp = await makeTempDir();
    const warnings: string[] = [];
    await loadOrCreateSigningKey({
      devKeyFile: join(temp.path, "dev.key"),
      warn: (message) => warnings.push(message),
      keyFileSetting: "signing.keyFile",
    });
    expect(warnings[0]).toContain("set signing.keyFile to the path");
  });

  it("gives every process the same key when several create it at once", async () => {
    await using temp = await makeTempDir();
    const devKeyFile = join(temp.path, "dev.key");
    const keys = await Promise.all(
      Array.from({ length: 8 }, () =>
        loadOrCreateSigningKey({ devKeyFile, warn: () => undefined }),
      ),
    );
    expect(new Set(keys.map((key) => keyIdHex(key))).size).toBe(1);
    expect(await readdir(temp.path)).toEqual(["dev.key"]); // no temporary files left
  });

  it("refuses a corrupt development key instead of replacing it", async () => {
    await using temp = await makeTempDir();
    const devKeyFile = join(temp.path, "dev.key");
    await writeFile(devKeyFile, "garbage");
    await expect(loadOrCreateSigningKey({ devKeyFile, warn: () => undefined })).rejects.toThrow(
      `signing key file ${devKeyFile}: not a minisign secret key file`,
    );
  });
});
