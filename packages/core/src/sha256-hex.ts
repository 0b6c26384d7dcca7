import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * Lowercase hex SHA-256 of a string (hashed as UTF-8) or of raw bytes. Pure JavaScript
 * (`@noble/hashes`), so it runs the same in Node, the browser and workers without Web Crypto.
 */
export function sha256Hex(input: string | Uint8Array): string {
  return bytesToHex(sha256(typeof input === "string" ? utf8ToBytes(input) : input));
}
