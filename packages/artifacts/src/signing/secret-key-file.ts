import { blake2b } from "@noble/hashes/blake2.js";

import { SigningKeyError } from "../errors.ts";
import {
  CHK_ALG,
  COMMENT_PREFIX,
  decodeBase64,
  KDF_NONE,
  KDF_SCRYPT,
  KEY_ID_BYTES,
  SECRET_KEY,
  SEED_BYTES,
  SIG_ALG,
} from "./internal/minisign-format.ts";
import { rawPublicKey, rawSeed, signingKeyFromSeed } from "./signing-key.ts";
import type { SigningKey } from "./signing-key.ts";

const SECRET_KEY_COMMENT = "minisign unencrypted secret key";

/**
 * The key as an unencrypted minisign secret key file (the layout `minisign -G -W` writes):
 * an untrusted comment line, then base64 of
 * `"Ed" || 00 00 (no KDF) || "B2" || zero salt(32) || zero opslimit(8) || zero memlimit(8) ||
 * key id(8) || seed(32) || public key(32) || checksum(32)`, where the checksum is
 * BLAKE2b-256 of `"Ed" || key id || seed || public key`.
 *
 * minisign 0.11 and 0.12 leave the checksum of a `-G -W` key zero (they compute it only when
 * encrypting) and do not check it for unencrypted keys; we write the real one, as
 * `minisign -C -W` (remove a password) does, so {@link parseSecretKeyFile} detects corruption.
 *
 * Anyone with this text can sign as this key: write it with mode 0600.
 */
export function encodeSecretKeyFile(key: SigningKey): string {
  const seed = rawSeed(key);
  const publicKey = rawPublicKey(key);
  const bytes = Buffer.alloc(SECRET_KEY.bytes); // zero salt and limits
  SIG_ALG.copy(bytes, SECRET_KEY.sigAlg);
  KDF_NONE.copy(bytes, SECRET_KEY.kdfAlg);
  CHK_ALG.copy(bytes, SECRET_KEY.chkAlg);
  key.keyId.copy(bytes, SECRET_KEY.keyId);
  seed.copy(bytes, SECRET_KEY.secretKey);
  publicKey.copy(bytes, SECRET_KEY.secretKey + SEED_BYTES);
  checksumOf(bytes).copy(bytes, SECRET_KEY.checksum);
  return `${COMMENT_PREFIX}${SECRET_KEY_COMMENT}\n${bytes.toString("base64")}\n`;
}

/**
 * Reads an unencrypted minisign secret key file (`minisign -G -W`, or one whose password was
 * removed with `minisign -C -W`).
 *
 * @throws SigningKeyError `SIGNING_KEY_INVALID` with a message saying what is wrong: not two
 *   lines, bad base64, wrong length, an algorithm other than Ed25519/BLAKE2b, a password-encrypted
 *   key (BBOS signs unattended, so it cannot prompt), a checksum mismatch, or a public key that
 *   does not belong to the seed.
 */
export function parseSecretKeyFile(text: string): SigningKey {
  const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
  const [comment, encoded] = lines;
  if (comment === undefined || !comment.startsWith(COMMENT_PREFIX) || encoded === undefined) {
    throw invalid(
      `not a minisign secret key file: expected an "${COMMENT_PREFIX}…" line, then the key in base64`,
    );
  }
  const bytes = decodeBase64(encoded.trim());
  if (bytes === null) throw invalid("the key line is not valid base64");
  if (bytes.length !== SECRET_KEY.bytes) {
    throw invalid(
      `wrong length: the key decodes to ${bytes.length} bytes, a minisign secret key has ${SECRET_KEY.bytes}`,
    );
  }
  if (!field(bytes, SECRET_KEY.sigAlg, 2).equals(SIG_ALG)) {
    throw invalid('unsupported signature algorithm (expected "Ed", Ed25519)');
  }
  const kdf = field(bytes, SECRET_KEY.kdfAlg, 2);
  if (kdf.equals(KDF_SCRYPT)) {
    throw invalid(
      "the secret key is encrypted with a password, and BBOS signs without a prompt: " +
        "create an unencrypted key with `minisign -G -W -p bbos.pub -s bbos.key`, " +
        "or remove the password from this one with `minisign -C -W -s <file>`",
    );
  }
  if (!kdf.equals(KDF_NONE)) throw invalid("unsupported key derivation function");
  if (!field(bytes, SECRET_KEY.chkAlg, 2).equals(CHK_ALG)) {
    throw invalid('unsupported checksum algorithm (expected "B2", BLAKE2b)');
  }
  // minisign -G -W writes a zero checksum (see encodeSecretKeyFile); any other value must match.
  const stored = field(bytes, SECRET_KEY.checksum, 32);
  if (!stored.equals(Buffer.alloc(32)) && !stored.equals(checksumOf(bytes))) {
    throw invalid("checksum mismatch: the secret key file is corrupt");
  }
  const keyId = field(bytes, SECRET_KEY.keyId, KEY_ID_BYTES);
  const seed = field(bytes, SECRET_KEY.secretKey, SEED_BYTES);
  const publicKey = field(bytes, SECRET_KEY.secretKey + SEED_BYTES, 32);
  const key = signingKeyFromSeed(keyId, seed);
  if (!rawPublicKey(key).equals(publicKey)) {
    throw invalid("the public key in the file does not belong to its secret seed: it is corrupt");
  }
  return key;
}

function checksumOf(bytes: Buffer): Buffer {
  const input = Buffer.concat([
    field(bytes, SECRET_KEY.sigAlg, 2),
    field(bytes, SECRET_KEY.keyId, KEY_ID_BYTES),
    field(bytes, SECRET_KEY.secretKey, 64),
  ]);
  return Buffer.from(blake2b(input, { dkLen: 32 }));
}

function field(bytes: Buffer, offset: number, length: number): Buffer {
  return bytes.subarray(offset, offset + length);
}

function invalid(message: string): SigningKeyError {
  return new SigningKeyError("SIGNING_KEY_INVALID", message);
}
