import { ArtifactError } from "./errors.ts";

/** One line of a `SHA256SUMS` file. */
export interface ChecksumEntry {
  /** File name as the verifier sees it, relative to the checksum file's folder. */
  name: string;
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
}

/**
 * A `SHA256SUMS` text that `sha256sum -c` accepts: `<sha256>  <name>` per entry (two spaces:
 * text mode, which is binary-safe on Linux), in the order given, each line ending in `\n`.
 *
 * @throws ArtifactError `INVALID_INPUT` for a digest that is not 64 hex digits, an empty or
 *   duplicate name, or a name with a line break, a NUL or a backslash (sha256sum would read
 *   the line differently: a leading `\` marks an escaped name).
 */
export function checksumFileText(entries: readonly ChecksumEntry[]): string {
  const seen = new Set<string>();
  return entries
    .map(({ name, sha256 }) => {
      if (!/^[0-9a-f]{64}$/.test(sha256)) {
        throw new ArtifactError(
          "INVALID_INPUT",
          `checksum of ${JSON.stringify(name)} must be 64 lowercase hex digits`,
        );
      }
      if (name === "" || /[\r\n\0\\]/.test(name)) {
        throw new ArtifactError(
          "INVALID_INPUT",
          `file name ${JSON.stringify(name)} cannot be listed in a checksum file: ` +
            "it must be non-empty, without line breaks, NUL bytes or backslashes",
        );
      }
      if (seen.has(name)) {
        throw new ArtifactError(
          "INVALID_INPUT",
          `file name ${JSON.stringify(name)} is listed twice`,
        );
      }
      seen.add(name);
      return `${sha256}  ${name}\n`;
    })
    .join("");
}
