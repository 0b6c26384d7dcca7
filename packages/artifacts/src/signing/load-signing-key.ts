import { randomUUID } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { SigningKeyError } from "../errors.ts";
import { encodeSecretKeyFile, parseSecretKeyFile } from "./secret-key-file.ts";
import { generateSigningKey } from "./signing-key.ts";
import type { SigningKey } from "./signing-key.ts";

/** Options for {@link loadOrCreateSigningKey}. */
export interface LoadSigningKeyOptions {
  /** The production key: an unencrypted minisign secret key file (`minisign -G -W`). */
  keyFile?: string;
  /**
   * Where the development key lives when no `keyFile` is configured; generated on first use.
   */
  devKeyFile: string;
  /** Receives the loud warning printed whenever the development key is used. */
  warn: (message: string) => void;
  /**
   * How the operator configures `keyFile`, named in the warning.
   * @defaultValue `"SIGNING_KEY_FILE"`
   */
  keyFileSetting?: string;
}

/**
 * The key that signs artifacts.
 *
 * - With `keyFile`: reads and parses it. A missing or unreadable file throws
 *   `SigningKeyError("SIGNING_KEY_UNAVAILABLE")`, a bad one `SIGNING_KEY_INVALID`; both name
 *   the path. Never falls back to a development key.
 * - Without: reads `devKeyFile`, or generates a key and creates the file (mode 0600, its folder
 *   0700) if there is none. Safe when several processes start at once: the key is written
 *   whole to a temporary file and hard-linked into place, which fails if the file exists, and
 *   the loser reads the winner's key. Calls `warn` every time, since a development key must
 *   never sign releases unnoticed.
 */
export async function loadOrCreateSigningKey(options: LoadSigningKeyOptions): Promise<SigningKey> {
  if (options.keyFile !== undefined) return readKeyFile(options.keyFile);

  const path = options.devKeyFile;
  const key = (await readDevKeyFile(path)) ?? (await createDevKeyFile(path));
  options.warn(devKeyWarning(path, options.keyFileSetting ?? "SIGNING_KEY_FILE"));
  return key;
}

async function readKeyFile(path: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SigningKeyError(
      "SIGNING_KEY_UNAVAILABLE",
      `cannot read the signing key file ${path}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  try {
    return parseSecretKeyFile(text);
  } catch (error) {
    throw new SigningKeyError(
      "SIGNING_KEY_INVALID",
      `signing key file ${path}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The development key, or `null` when its file does not exist yet. */
async function readDevKeyFile(path: string): Promise<SigningKey | null> {
  try {
    return await readKeyFile(path);
  } catch (error) {
    if (error instanceof SigningKeyError && codeOf(error.cause) === "ENOENT") return null;
    throw error;
  }
}

async function createDevKeyFile(path: string): Promise<SigningKey> {
  const key = generateSigningKey();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Written whole under a unique name first, so no process can ever read a half-written key.
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, encodeSecretKeyFile(key), { flag: "wx", mode: 0o600 });
    await link(temporary, path);
    return key;
  } catch (error) {
    if (codeOf(error) === "EEXIST") return readKeyFile(path); // another process won the race
    throw new SigningKeyError(
      "SIGNING_KEY_UNAVAILABLE",
      `cannot create the development signing key file ${path}: ${messageOf(error)}`,
      { cause: error },
    );
  } finally {
    // The key lives on under `path` (or was not needed); the temporary name is never read.
    await rm(temporary, { force: true });
  }
}

function devKeyWarning(path: string, setting: string): string {
  return [
    "=".repeat(78),
    `WARNING: artifacts are signed with a generated DEVELOPMENT key at ${path}.`,
    "It is NOT for production: it is unprotected, specific to this machine, and downloads",
    "signed with it prove nothing. Create a production key with",
    "  minisign -G -W -p bbos.pub -s bbos.key",
    `and set ${setting} to the path of bbos.key (publish bbos.pub for verifiers).`,
    "=".repeat(78),
  ].join("\n");
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
