import { createHash, verify } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { makeTempDir } from "../../test/temp-dir.ts";
import { ArtifactError } from "../errors.ts";
import { encodePublicKeyFile, publicKeyLine } from "./public-key-file.ts";
import { signFile, signPrehashed } from "./sign.ts";
import { generateSigningKey, keyIdHex, rawPublicKey } from "./signing-key.ts";

const digest = createHash("blake2b512").update("artifact").digest("hex");

describe("signPrehashed", () => {
  it("writes the four minisign lines with a prehashed Ed25519 signature", () => {
    const key = generateSigningKey();
    const text = signPrehashed(key, digest, { trustedComment: "file:image.img\tbuild:42" });
    const [untrusted, signatureLine, trusted, globalLine, end] = text.split("\n");
    expect(untrusted).toBe("untrusted comment: signature from minisign secret key");
    expect(trusted).toBe("trusted comment: file:image.img\tbuild:42");
    expect(end).toBe("");

    const signatureStruct = Buffer.from(signatureLine ?? "", "base64");
    expect(signatureStruct).toHaveLength(74);
    expect(signatureStruct.subarray(0, 2).toString("latin1")).toBe("ED");
    expect(signatureStruct.subarray(2, 10).equals(key.keyId)).toBe(true);
    const signature = signatureStruct.subarray(10);
    expect(verify(null, Buffer.from(digest, "hex"), key.publicKey, signature)).toBe(true);
    const signedComment = Buffer.concat([signature, Buffer.from("file:image.img\tbuild:42")]);
    expect(
      verify(null, signedComment, key.publicKey, Buffer.from(globalLine ?? "", "base64")),
    ).toBe(true);
  });

  it("uses the given untrusted comment", () => {
    const text = signPrehashed(generateSigningKey(), digest, {
      trustedComment: "t",
      untrustedComment: "BBOS build 42",
    });
    expect(text.startsWith("untrusted comment: BBOS build 42\n")).toBe(true);
  });

  it.each([
    ["a short digest", "ab", { trustedComment: "t" }, /128 hex digits/],
    ["a digest with non-hex digits", "g".repeat(128), { trustedComment: "t" }, /128 hex digits/],
    ["a trusted comment with a newline", digest, { trustedComment: "a\nb" }, /one line/],
    ["a trusted comment with a NUL", digest, { trustedComment: "a\0b" }, /without NUL/],
    [
      "an untrusted comment with CR",
      digest,
      { trustedComment: "t", untrustedComment: "a\rb" },
      /one line/,
    ],
    [
      "a trusted comment minisign cannot read back",
      digest,
      { trustedComment: "x".repeat(8174) },
      /at most 8173/,
    ],
    [
      "an untrusted comment minisign cannot read back",
      digest,
      { trustedComment: "t", untrustedComment: "x".repeat(1004) },
      /at most 1003/,
    ],
  ])("refuses %s", (_, hex, options, message) => {
    const attempt = (): string => signPrehashed(generateSigningKey(), hex, options);
    expect(attempt).toThrow(ArtifactError);
    expect(attempt).toThrow(message);
  });
});

describe("signFile", () => {
  it("signs the BLAKE2b-512 of the file's contents", async () => {
    await using temp = await makeTempDir();
    const path = join(temp.path, "image.img");
    await writeFile(path, "artifact");
    const key = generateSigningKey();
    const options = { trustedComment: "file:image.img" };
    expect(await signFile(key, path, options)).toBe(signPrehashed(key, digest, options));
  });

  it("fails with the file system's error for a missing file", async () => {
    await expect(
      signFile(generateSigningKey(), "/nonexistent/x", { trustedComment: "t" }),
    ).rejects.toThrow("ENOENT");
  });
});

describe("public key encodings", () => {
  it("writes the key id as minisign prints it: little-endian, 16 upper-case hex digits", () => {
    const key = { ...generateSigningKey(), keyId: Buffer.from("0001020304050607", "hex") };
    expect(keyIdHex(key)).toBe("0706050403020100");
    expect(encodePublicKeyFile(key)).toBe(
      `untrusted comment: minisign public key 0706050403020100\n${publicKeyLine(key)}\n`,
    );
    const decoded = Buffer.from(publicKeyLine(key), "base64");
    expect(decoded.subarray(0, 2).toString("latin1")).toBe("Ed");
    expect(decoded.subarray(2, 10).equals(key.keyId)).toBe(true);
    expect(decoded.subarray(10).equals(rawPublicKey(key))).toBe(true);
  });
});
