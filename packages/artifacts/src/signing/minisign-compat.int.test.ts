// Checks the minisign formats against the real tool (/usr/bin/minisign): keys it made sign with
// our code, keys we made sign with it, and `minisign -V` accepts and rejects what it should.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import { runTool } from "../../test/run-tool.ts";
import { makeTempDir } from "../../test/temp-dir.ts";
import { encodePublicKeyFile, publicKeyLine } from "./public-key-file.ts";
import { encodeSecretKeyFile, parseSecretKeyFile } from "./secret-key-file.ts";
import { signFile } from "./sign.ts";
import { generateSigningKey, keyIdHex } from "./signing-key.ts";

/**
 * Key ids in minisign's output, as numbers: minisign 0.11 prints them without leading zeros
 * (`%" PRIX64`), 0.12 pads them to 16 digits as we do.
 */
function keyIdsIn(text: string): bigint[] {
  // Each message names one id, at the end of its line.
  return [...text.matchAll(/ ([0-9A-F]{1,16})$/gm)].map((match) => BigInt(`0x${match[1]}`));
}

function keyIdNumber(key: Parameters<typeof keyIdHex>[0]): bigint {
  return BigInt(`0x${keyIdHex(key)}`);
}

beforeAll(async () => {
  const version = await runTool("minisign", ["-v"]);
  if (version.code !== 0) throw new Error("these tests need minisign on PATH");
});

describe("minisign compatibility", () => {
  it("signs with a key made by `minisign -G -W`, and `minisign -V` verifies it", async () => {
    await using temp = await makeTempDir();
    const at = (name: string): string => join(temp.path, name);
    const made = await runTool("minisign", [
      "-G",
      "-W",
      "-p",
      at("tool.pub"),
      "-s",
      at("tool.key"),
    ]);
    expect(made.code, made.stderr).toBe(0);

    const key = parseSecretKeyFile(await readFile(at("tool.key"), "utf8"));
    const [toolComment, toolLine] = (await readFile(at("tool.pub"), "utf8")).split("\n");
    expect(publicKeyLine(key)).toBe(toolLine);
    expect(encodePublicKeyFile(key).split("\n")[1]).toBe(toolLine);
    expect(keyIdsIn(toolComment ?? "")).toEqual([keyIdNumber(key)]);

    await writeFile(at("image.img"), "a bootable image");
    const trustedComment = "timestamp:1700000000\tfile:image.img\tbuild:42";
    await writeFile(
      at("image.img.minisig"),
      await signFile(key, at("image.img"), { trustedComment }),
    );
    const verified = await runTool("minisign", ["-Vm", at("image.img"), "-p", at("tool.pub")]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("Signature and comment signature verified");
    expect(verified.stdout).toContain(`Trusted comment: ${trustedComment}`);
  });

  it("writes a secret key `minisign -S` signs with (no password prompt), byte for byte like us", async () => {
    await using temp = await makeTempDir();
    const at = (name: string): string => join(temp.path, name);
    const key = generateSigningKey();
    await writeFile(at("ours.key"), encodeSecretKeyFile(key), { mode: 0o600 });
    await writeFile(at("ours.pub"), encodePublicKeyFile(key));
    await writeFile(at("file.txt"), "signed by the tool with our key\n");

    const trustedComment = "made by minisign -S";
    const signed = await runTool("minisign", [
      "-S",
      "-s",
      at("ours.key"),
      "-m",
      at("file.txt"),
      "-t",
      trustedComment,
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const toolSignature = await readFile(at("file.txt.minisig"), "utf8");

    const verified = await runTool("minisign", ["-Vm", at("file.txt"), "-p", at("ours.pub")]);
    expect(verified.code, verified.stderr).toBe(0);
    // Ed25519 is deterministic: the same key, file and comment give the same signature file.
    expect(await signFile(key, at("file.txt"), { trustedComment })).toBe(toolSignature);
  });

  it("fails verification for a tampered file and for a tampered trusted comment", async () => {
    await using temp = await makeTempDir();
    const at = (name: string): string => join(temp.path, name);
    const key = generateSigningKey();
    await writeFile(at("key.pub"), encodePublicKeyFile(key));
    await writeFile(at("image.img"), "original image");
    const signature = await signFile(key, at("image.img"), { trustedComment: "file:image.img" });
    await writeFile(at("image.img.minisig"), signature);
    const verify = (): ReturnType<typeof runTool> =>
      runTool("minisign", ["-Vm", at("image.img"), "-p", at("key.pub")]);

    expect((await verify()).code).toBe(0);

    await writeFile(at("image.img"), "original imagE");
    const tamperedFile = await verify();
    expect(tamperedFile.code).not.toBe(0);
    expect(tamperedFile.stderr).toContain("Signature verification failed");

    await writeFile(at("image.img"), "original image");
    await writeFile(
      at("image.img.minisig"),
      signature.replace("trusted comment: file:image.img", "trusted comment: file:other.img"),
    );
    const tamperedComment = await verify();
    expect(tamperedComment.code).not.toBe(0);
    expect(tamperedComment.stderr).toContain("Comment signature verification failed");
  });

  it("fails verification with another key, naming both key ids", async () => {
    await using temp = await makeTempDir();
    const at = (name: string): string => join(temp.path, name);
    const signer = generateSigningKey();
    // An id whose top byte is zero: minisign 0.11 prints it with fewer than 16 digits.
    const other = { ...generateSigningKey(), keyId: Buffer.from("0102030405060700", "hex") };
    await writeFile(at("other.pub"), encodePublicKeyFile(other));
    await writeFile(at("f"), "x");
    await writeFile(at("f.minisig"), await signFile(signer, at("f"), { trustedComment: "t" }));
    const result = await runTool("minisign", ["-Vm", at("f"), "-p", at("other.pub")]);
    expect(result.code).not.toBe(0);
    expect(keyIdsIn(result.stderr)).toEqual([keyIdNumber(signer), keyIdNumber(other)]);
  });

  it("accepts the longest trusted comment we allow", async () => {
    await using temp = await makeTempDir();
    const at = (name: string): string => join(temp.path, name);
    const key = generateSigningKey();
    await writeFile(at("key.pub"), encodePublicKeyFile(key));
    await writeFile(at("f"), "x");
    const trustedComment = "é".repeat(4086) + "x"; // 8173 bytes of UTF-8
    await writeFile(
      at("f.minisig"),
      await signFile(key, at("f"), { trustedComment, untrustedComment: "u".repeat(1003) }),
    );
    const result = await runTool("minisign", ["-Vm", at("f"), "-p", at("key.pub")]);
    expect(result.code, result.stderr).toBe(0);
  });
});
