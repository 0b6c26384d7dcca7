// The keys that seal secret config values at rest (AES-256-GCM). A key ring file holds one key
// per line, `<key id>:<32 bytes in base64>`; the first line seals, every line opens, so a key is
// rotated by putting a new one first and keeping the old ones until nothing sealed with them is
// left.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A sealed value and the id of the key that sealed it. */
export interface SealedSecret {
  keyId: string;
  /** Nonce, ciphertext and tag. */
  sealed: Uint8Array;
}

export interface SecretKeyRing {
  /** The key new values are sealed with. */
  readonly currentKeyId: string;
  /** Seals `plaintext`; `context` (additional data) must be given again to open it. */
  seal(plaintext: string, context: string): SealedSecret;
  /**
   * Opens what {@link seal} made.
   * @throws SecretKeyError when the key is not in the ring, or the value or context differ.
   */
  open(secret: SealedSecret, context: string): string;
}

export class SecretKeyError extends Error {
  override readonly name = "SecretKeyError";
}

/**
 * Parses a key ring file: lines of `<key id>:<base64 key>` (ids of letters, digits, `_` and `-`;
 * keys of 32 bytes); empty lines and `#` comments are skipped.
 * @throws SecretKeyError naming the line that is wrong, never its key.
 */
export function parseSecretKeyRing(text: string): SecretKeyRing {
  const keys = new Map<string, Buffer>();
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const separator = line.indexOf(":");
    const id = line.slice(0, separator);
    const key = Buffer.from(line.slice(separator + 1), "base64");
    if (separator < 0 || !KEY_ID.test(id) || key.length !== KEY_BYTES) {
      throw new SecretKeyError(
        `line ${index + 1} is not "<key id>:<${KEY_BYTES} bytes in base64>"`,
      );
    }
    if (keys.has(id)) throw new SecretKeyError(`line ${index + 1} repeats key id "${id}"`);
    keys.set(id, key);
  });
  const currentKeyId = keys.keys().next().value;
  if (currentKeyId === undefined) throw new SecretKeyError("the key ring holds no key");
  return {
    currentKeyId,
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", keys.get(currentKeyId) as Buffer, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return { keyId: currentKeyId, sealed: Buffer.concat([nonce, body, cipher.getAuthTag()]) };
    },
    open({ keyId, sealed }, context) {
      const key = keys.get(keyId);
      if (!key) throw new SecretKeyError(`the key ring has no key "${keyId}"`);
      const bytes = Buffer.from(sealed);
      const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      try {
        const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      } catch (error) {
        throw new SecretKeyError(`a value sealed with key "${keyId}" does not open`, {
          cause: error,
        });
      }
    },
  };
}

/** A key ring file's text with one new random key. */
export function newSecretKeyRingText(keyId: string): string {
  return `${keyId}:${randomBytes(KEY_BYTES).toString("base64")}\n`;
}

export interface LoadSecretKeyRingOptions {
  /** The configured key ring file (`SECRET_KEYS_FILE`). */
  keyFile?: string | undefined;
  /** Where the development key ring lives when none is configured; made on first use. */
  devKeyFile: string;
  /** Receives the warning printed whenever the development key ring is used. */
  warn: (message: string) => void;
}

/**
 * The configured key ring, or the development one under `devKeyFile`: created (mode 0600, its
 * folder 0700) when missing, safely when several processes start at once (written whole to a
 * temporary file and hard-linked into place; the loser reads the winner's), with a warning.
 * @throws SecretKeyError when the configured file cannot be read or parsed.
 */
export async function loadOrCreateSecretKeyRing(
  options: LoadSecretKeyRingOptions,
): Promise<SecretKeyRing> {
  if (options.keyFile !== undefined) return readKeyRing(options.keyFile);
  const path = options.devKeyFile;
  const existing = await readKeyRing(path).catch((error: unknown) => {
    if ((error as { cause?: { code?: string } }).cause?.code === "ENOENT") return null;
    throw error;
  });
  options.warn(
    `secret config values are sealed with the development key ring ${path}; set SECRET_KEYS_FILE ` +
      "to a key ring of your own (see the README) before anything real is stored",
  );
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomUUID()}`;
  await writeFile(temporary, newSecretKeyRingText("dev-1"), { mode: 0o600, flag: "wx" });
  try {
    await link(temporary, path).catch((error: unknown) => {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
    });
  } finally {
    await rm(temporary, { force: true });
  }
  return readKeyRing(path);
}

async function readKeyRing(path: string): Promise<SecretKeyRing> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SecretKeyError(`cannot read the secret key ring ${path}`, { cause: error });
  }
  try {
    return parseSecretKeyRing(text);
  } catch (error) {
    throw new SecretKeyError(`secret key ring ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * The installation's key ring: `SECRET_KEYS_FILE`, else the development one under
 * `DATA_DIR/secrets` (made on first use, with a warning through `warn`).
 */
export function openSecretKeyRing(
  settings: { DATA_DIR: string; SECRET_KEYS_FILE?: string | undefined },
  warn: (message: string) => void,
): Promise<SecretKeyRing> {
  return loadOrCreateSecretKeyRing({
    keyFile: settings.SECRET_KEYS_FILE,
    devKeyFile: join(settings.DATA_DIR, "secrets", "development.keys"),
    warn,
  });
}
