import { createHash } from "node:crypto";

/**
 * What the database keeps of a secret handed to a client (a session cookie, an API token, a
 * share link): its SHA-256 in hex, so a leaked database or backup holds nothing usable. The
 * secrets are 256 random bits, so a plain hash suffices.
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
