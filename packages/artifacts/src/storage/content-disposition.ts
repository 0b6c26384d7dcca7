import { ArtifactError } from "../errors.ts";

/**
 * `Content-Disposition: attachment` for a download saved as `filename` (RFC 6266): a quoted
 * ASCII `filename` (characters it cannot carry become `_`), plus `filename*` with the UTF-8 name
 * (RFC 8187) when the two differ. Path separators are replaced too, so the header can never
 * suggest a directory.
 *
 * @throws ArtifactError `INVALID_INPUT` for an empty name or one longer than 255 characters.
 */
export function attachmentContentDisposition(filename: string): string {
  if (filename.length === 0 || filename.length > 255) {
    throw new ArtifactError(
      "INVALID_INPUT",
      `a download file name must have 1 to 255 characters, got ${filename.length}`,
    );
  }
  const safe = filename
    .replace(/[/\\]/g, "_")
    // A lone surrogate is not a character; it cannot be written as UTF-8.
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "_");
  // Printable ASCII except the quote and backslash, which would need escaping in a quoted string.
  const ascii = safe.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/gu, "_");
  if (ascii === safe) return `attachment; filename="${ascii}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(safe)}`;
}

function encodeRfc8187(value: string): string {
  // encodeURIComponent leaves these unescaped, but RFC 8187 attr-char does not allow them.
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
