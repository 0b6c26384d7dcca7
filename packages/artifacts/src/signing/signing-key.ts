import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";

import { SigningKeyError } from "../errors.ts";
import { KEY_ID_BYTES, PUBLIC_KEY_BYTES, SEED_BYTES } from "./internal/minisign-format.ts";

/** A minisign Ed25519 key pair with its key id. */
export interface SigningKey {
  /** 8 random bytes that name the key in `.pub` and `.minisig` files. */
  keyId: Buffer;
  /** Ed25519 private key. */
  privateKey: KeyObject;
  /** Ed25519 public key. */
  publicKey: KeyObject;
}

/** A new random Ed25519 key pair with a random key id (what `minisign -G` does). */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { keyId: randomBytes(KEY_ID_BYTES), privateKey, publicKey };
}

/**
 * The key id as minisign prints it (`minisign public key 856D9EF0258908B2`): the 8 bytes read as
 * a little-endian 64-bit number, in 16 upper-case hex digits.
 */
export function keyIdHex(key: Pick<SigningKey, "keyId">): string {
  return Buffer.from(key.keyId).reverse().toString("hex").toUpperCase();
}

/** The 32-byte Ed25519 seed of the private key. */
export function rawSeed(key: SigningKey): Buffer {
  assertSigningKey(key);
  return fromBase64Url(key.privateKey.export({ format: "jwk" }).d, "private key");
}

/** The 32-byte Ed25519 public key. */
export function rawPublicKey(key: SigningKey): Buffer {
  assertSigningKey(key);
  return fromBase64Url(key.publicKey.export({ format: "jwk" }).x, "public key");
}

/** PKCS#8 DER of an Ed25519 private key, up to the 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** A key from its id and 32-byte seed; the public key is derived from the seed. */
export function signingKeyFromSeed(keyId: Buffer, seed: Buffer): SigningKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  return { keyId: Buffer.from(keyId), privateKey, publicKey: createPublicKey(privateKey) };
}

/**
 * Checks that a value is a usable {@link SigningKey}.
 * @throws SigningKeyError `SIGNING_KEY_INVALID` otherwise.
 */
export function assertSigningKey(key: SigningKey): void {
  if (!Buffer.isBuffer(key.keyId) || key.keyId.length !== KEY_ID_BYTES) {
    throw new SigningKeyError("SIGNING_KEY_INVALID", "a signing key id must be 8 bytes");
  }
  if (
    key.privateKey.type !== "private" ||
    key.privateKey.asymmetricKeyType !== "ed25519" ||
    key.publicKey.type !== "public" ||
    key.publicKey.asymmetricKeyType !== "ed25519"
  ) {
    throw new SigningKeyError(
      "SIGNING_KEY_INVALID",
      "a signing key must be an Ed25519 private and public KeyObject",
    );
  }
}

function fromBase64Url(value: string | undefined, what: string): Buffer {
  const bytes = Buffer.from(value ?? "", "base64url");
  const expected = what === "private key" ? SEED_BYTES : PUBLIC_KEY_BYTES;
  if (bytes.length !== expected) {
    throw new SigningKeyError("SIGNING_KEY_INVALID", `could not export the Ed25519 ${what}`);
  }
  return bytes;
}
