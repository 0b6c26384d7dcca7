/**
 * Byte layouts of minisign files (https://jedisct1.github.io/minisign/, `src/minisign.h`).
 * All multi-byte ids are stored as written; only their hex display is little-endian.
 */

export const COMMENT_PREFIX = "untrusted comment: ";
export const TRUSTED_COMMENT_PREFIX = "trusted comment: ";

/** Key algorithm, in keys and in legacy signatures: Ed25519 over the whole message. */
export const SIG_ALG = Buffer.from("Ed", "latin1");
/** Signature algorithm of prehashed signatures: Ed25519 over BLAKE2b-512 of the message. */
export const SIG_ALG_HASHED = Buffer.from("ED", "latin1");
/** Secret-key encryption with a password-derived scrypt stream. */
export const KDF_SCRYPT = Buffer.from("Sc", "latin1");
/** No encryption (`minisign -G -W`). */
export const KDF_NONE = Buffer.from([0, 0]);
/** Secret-key checksum: BLAKE2b-256. */
export const CHK_ALG = Buffer.from("B2", "latin1");

export const KEY_ID_BYTES = 8;
export const PUBLIC_KEY_BYTES = 32;
export const SEED_BYTES = 32;

/**
 * Secret key file, decoded: sig_alg(2) kdf_alg(2) chk_alg(2) kdf_salt(32) opslimit(8)
 * memlimit(8), then keynum_sk: key_id(8) sk(64 = seed || public key) chk(32).
 */
export const SECRET_KEY = {
  bytes: 158,
  sigAlg: 0,
  kdfAlg: 2,
  chkAlg: 4,
  keyId: 54,
  secretKey: 62,
  checksum: 126,
} as const;

/**
 * Longest comments minisign reads back: its line buffers are 1024 bytes (untrusted) and
 * 8192 bytes (trusted), holding the prefix, the comment, the newline and a NUL.
 */
export const MAX_UNTRUSTED_COMMENT_BYTES = 1024 - COMMENT_PREFIX.length - 2;
export const MAX_TRUSTED_COMMENT_BYTES = 8192 - TRUSTED_COMMENT_PREFIX.length - 2;

/**
 * Decodes standard base64 strictly (Buffer.from skips invalid characters silently).
 * Returns `null` when `text` is not canonical base64.
 */
export function decodeBase64(text: string): Buffer | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  return Buffer.from(text, "base64");
}
