import { COMMENT_PREFIX, SIG_ALG } from "./internal/minisign-format.ts";
import { keyIdHex, rawPublicKey } from "./signing-key.ts";
import type { SigningKey } from "./signing-key.ts";

/**
 * The public key as minisign writes it on one line: base64 of `"Ed" || key id(8) || Ed25519
 * public key(32)`. What `minisign -V -P <line>` takes, and what to publish on a download page.
 */
export function publicKeyLine(key: SigningKey): string {
  return Buffer.concat([SIG_ALG, key.keyId, rawPublicKey(key)]).toString("base64");
}

/**
 * The public key file, exactly as `minisign -G` writes it (for `minisign -V -p <file>`):
 * `untrusted comment: minisign public key <KEY ID>` and {@link publicKeyLine}.
 */
export function encodePublicKeyFile(key: SigningKey): string {
  return `${COMMENT_PREFIX}minisign public key ${keyIdHex(key)}\n${publicKeyLine(key)}\n`;
}
