import { describe, expect, it } from "vitest";

import { SigningKeyError } from "../errors.ts";
import { encodeSecretKeyFile, parseSecretKeyFile } from "./secret-key-file.ts";
import { generateSigningKey, keyIdHex, rawPublicKey, rawSeed } from "./signing-key.ts";

/** The decoded key bytes of an encoded secret key file. */
function decode(text: string): Buffer {
  return Buffer.from(text.split("\n")[1] ?? "", "base64");
}

function encode(bytes: Buffer): string {
  return `untrusted comment: test\n${bytes.toString("base64")}\n`;
}

describe("encodeSecretKeyFile", () => {
  it("writes the unencrypted minisign layout", () => {
    const key = generateSigningKey();
    const text = encodeSecretKeyFile(key);
    expect(text).toMatch(/^untrusted comment: .+\n[A-Za-z0-9+/=]+\n$/);
    const bytes = decode(text);
    expect(bytes).toHaveLength(158);
    expect(bytes.subarray(0, 6).toString("latin1")).toBe("Ed\0\0B2");
    expect(bytes.subarray(6, 54).equals(Buffer.alloc(48))).toBe(true); // salt and limits
    expect(bytes.subarray(54, 62).equals(key.keyId)).toBe(true);
    expect(bytes.subarray(62, 94).equals(rawSeed(key))).toBe(true);
    expect(bytes.subarray(94, 126).equals(rawPublicKey(key))).toBe(true);
    expect(bytes.subarray(126).equals(Buffer.alloc(32))).toBe(false); // a real checksum
  });

  it("round-trips through parseSecretKeyFile", () => {
    const key = generateSigningKey();
    const parsed = parseSecretKeyFile(encodeSecretKeyFile(key));
    expect(parsed.keyId.equals(key.keyId)).toBe(true);
    expect(rawSeed(parsed).equals(rawSeed(key))).toBe(true);
    expect(rawPublicKey(parsed).equals(rawPublicKey(key))).toBe(true);
  });
});

describe("parseSecretKeyFile", () => {
  const valid = (): Buffer => decode(encodeSecretKeyFile(generateSigningKey()));

  function parseError(text: string): SigningKeyError {
    try {
      parseSecretKeyFile(text);
    } catch (error) {
      expect(error).toBeInstanceOf(SigningKeyError);
      expect((error as SigningKeyError).code).toBe("SIGNING_KEY_INVALID");
      return error as SigningKeyError;
    }
    throw new Error("expected parseSecretKeyFile to throw");
  }

  it("accepts CRLF line ends", () => {
    const key = generateSigningKey();
    const text = encodeSecretKeyFile(key).replace(/\n/g, "\r\n");
    expect(keyIdHex(parseSecretKeyFile(text))).toBe(keyIdHex(key));
  });

  it("accepts the all-zero checksum that minisign -G -W writes", () => {
    const bytes = valid();
    bytes.fill(0, 126);
    expect(() => parseSecretKeyFile(encode(bytes))).not.toThrow();
  });

  it("refuses a password-encrypted key and says how to make an unencrypted one", () => {
    const bytes = valid();
    bytes.write("Sc", 2, "latin1");
    expect(parseError(encode(bytes)).message).toMatch(
      /encrypted with a password.*minisign -G -W.*minisign -C -W/,
    );
  });

  it("refuses a key whose checksum does not match", () => {
    const bytes = valid();
    bytes[130] = (bytes[130] ?? 0) ^ 1;
    expect(parseError(encode(bytes)).message).toBe(
      "checksum mismatch: the secret key file is corrupt",
    );
  });

  it("refuses a corrupted seed even when the checksum is zero", () => {
    const bytes = valid();
    bytes.fill(0, 126);
    bytes[70] = (bytes[70] ?? 0) ^ 1;
    expect(parseError(encode(bytes)).message).toMatch(/does not belong to its secret seed/);
  });

  it("refuses a key of the wrong length", () => {
    expect(parseError(encode(valid().subarray(0, 157))).message).toBe(
      "wrong length: the key decodes to 157 bytes, a minisign secret key has 158",
    );
  });

  it.each([
    [
      "no comment line",
      (b: Buffer) => b.toString("base64"),
      /expected an "untrusted comment: …" line/,
    ],
    ["bad base64", () => "untrusted comment: x\nnot*base64!\n", /not valid base64/],
    ["an empty file", () => "", /not a minisign secret key file/],
    [
      "another signature algorithm",
      (b: Buffer) => encode(Buffer.concat([Buffer.from("Xx"), b.subarray(2)])),
      /unsupported signature algorithm/,
    ],
    [
      "an unknown KDF",
      (b: Buffer) => encode(Buffer.concat([b.subarray(0, 2), Buffer.from("Ar"), b.subarray(4)])),
      /unsupported key derivation function/,
    ],
    [
      "an unknown checksum algorithm",
      (b: Buffer) => encode(Buffer.concat([b.subarray(0, 4), Buffer.from("S2"), b.subarray(6)])),
      /unsupported checksum algorithm/,
    ],
    [
      "a public key file",
      () =>
        "untrusted comment: minisign public key 0\nRWSyCIkl8J5thajRT9Twm09tm5rFSTigwpcn4+SAJstobO5CJIlSjC1r\n",
      /wrong length: the key decodes to 42 bytes/,
    ],
  ])("refuses %s", (_, make: (bytes: Buffer) => string, message) => {
    expect(parseError(make(valid())).message).toMatch(message);
  });
});
