import { createHash, sign } from "node:crypto";
import { createReadStream } from "node:fs";

import { ArtifactError } from "../errors.ts";
import {
  COMMENT_PREFIX,
  MAX_TRUSTED_COMMENT_BYTES,
  MAX_UNTRUSTED_COMMENT_BYTES,
  SIG_ALG_HASHED,
  TRUSTED_COMMENT_PREFIX,
} from "./internal/minisign-format.ts";
import { assertSigningKey } from "./signing-key.ts";
import type { SigningKey } from "./signing-key.ts";

/** Comments of a `.minisig` file. */
export interface SignatureOptions {
  /**
   * Signed together with the signature (the "global signature"), so it cannot be changed
   * without failing verification; `minisign -V` prints it. BBOS puts the file name, build id and
   * time here. One line, at most 8173 bytes of UTF-8.
   */
  trustedComment: string;
  /**
   * Not signed: anyone can change it. One line, at most 1003 bytes of UTF-8.
   * @defaultValue `"signature from minisign secret key"` (what minisign writes)
   */
  untrustedComment?: string;
}

const DEFAULT_UNTRUSTED_COMMENT = "signature from minisign secret key";

/**
 * A minisign signature file (`.minisig`, four lines) for a file whose BLAKE2b-512 digest is
 * `blake2b512Hex`, in minisign's default prehashed format: line 2 is base64 of
 * `"ED" || key id || Ed25519(digest)`, line 4 is Ed25519 over `signature || trusted comment`.
 * `minisign -Vm <file> -p <pub>` verifies it. Pass the digest from `ObjectStore.put` to sign an
 * artifact without reading it again.
 *
 * @throws ArtifactError `INVALID_INPUT` for a digest that is not 128 hex digits, or a comment
 *   with a line break, a NUL byte, or more bytes than minisign reads back.
 */
export function signPrehashed(
  key: SigningKey,
  blake2b512Hex: string,
  options: SignatureOptions,
): string {
  assertSigningKey(key);
  if (!/^[0-9a-f]{128}$/i.test(blake2b512Hex)) {
    throw new ArtifactError(
      "INVALID_INPUT",
      "a BLAKE2b-512 digest must be 128 hex digits (64 bytes)",
    );
  }
  const untrustedComment = options.untrustedComment ?? DEFAULT_UNTRUSTED_COMMENT;
  assertComment("untrusted", untrustedComment, MAX_UNTRUSTED_COMMENT_BYTES);
  assertComment("trusted", options.trustedComment, MAX_TRUSTED_COMMENT_BYTES);

  const signature = sign(null, Buffer.from(blake2b512Hex, "hex"), key.privateKey);
  const globalSignature = sign(
    null,
    Buffer.concat([signature, Buffer.from(options.trustedComment, "utf8")]),
    key.privateKey,
  );
  return [
    `${COMMENT_PREFIX}${untrustedComment}`,
    Buffer.concat([SIG_ALG_HASHED, key.keyId, signature]).toString("base64"),
    `${TRUSTED_COMMENT_PREFIX}${options.trustedComment}`,
    globalSignature.toString("base64"),
    "",
  ].join("\n");
}

/**
 * {@link signPrehashed} for a file on disk, hashed as a stream (`createHash("blake2b512")`), so
 * files of any size take constant memory.
 *
 * @throws the file system's error when the file cannot be read.
 */
export async function signFile(
  key: SigningKey,
  path: string,
  options: SignatureOptions,
): Promise<string> {
  const hash = createHash("blake2b512");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return signPrehashed(key, hash.digest("hex"), options);
}

function assertComment(kind: string, comment: string, maxBytes: number): void {
  if (/[\r\n\0]/.test(comment)) {
    throw new ArtifactError(
      "INVALID_INPUT",
      `the ${kind} comment must be one line without NUL bytes`,
    );
  }
  const bytes = Buffer.byteLength(comment, "utf8");
  if (bytes > maxBytes) {
    throw new ArtifactError(
      "INVALID_INPUT",
      `the ${kind} comment has ${bytes} bytes; minisign reads at most ${maxBytes}`,
    );
  }
}
