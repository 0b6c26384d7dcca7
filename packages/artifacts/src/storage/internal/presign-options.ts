import { ArtifactError } from "../../errors.ts";
import { attachmentContentDisposition } from "../content-disposition.ts";
import type { PresignedGetOptions } from "../object-store.ts";

/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRES_IN_SECONDS = 7 * 24 * 60 * 60;

/**
 * Validates presign options the same way in every adapter (so a bad call fails in development
 * with the file store too) and returns the header S3 should answer with.
 *
 * @throws ArtifactError `INVALID_INPUT` for a lifetime outside 1 s … 7 days or a bad file name.
 */
export function checkPresignOptions(options: PresignedGetOptions): {
  expiresInSeconds: number;
  contentDisposition: string;
} {
  const { expiresInSeconds, filename } = options;
  if (
    !Number.isSafeInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_EXPIRES_IN_SECONDS
  ) {
    throw new ArtifactError(
      "INVALID_INPUT",
      `expiresInSeconds must be a whole number from 1 to ${MAX_EXPIRES_IN_SECONDS} (7 days), got ${expiresInSeconds}`,
    );
  }
  return { expiresInSeconds, contentDisposition: attachmentContentDisposition(filename) };
}
