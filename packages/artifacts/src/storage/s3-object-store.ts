import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Readable } from "node:stream";

import { ArtifactError, InvalidRangeError, ObjectNotFoundError } from "../errors.ts";
import { assertByteRange } from "./internal/byte-range.ts";
import { digestingSource } from "./internal/digesting-source.ts";
import { checkPresignOptions } from "./internal/presign-options.ts";
import { assertKeyPrefix, assertObjectKey } from "./object-key.ts";
import type { ByteRange, ObjectStore } from "./object-store.ts";

/** Options for {@link createS3ObjectStore}. */
export interface S3ObjectStoreOptions {
  bucket: string;
  region: string;
  /**
   * Endpoint URL of an S3-compatible service (MinIO, Garage, s3rver…).
   * @defaultValue AWS S3 for `region`
   */
  endpoint?: string;
  /**
   * Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key`; most
   * self-hosted services need it.
   * @defaultValue false
   */
  forcePathStyle?: boolean;
  /**
   * Static credentials.
   * @defaultValue the AWS SDK's default provider chain (environment, profile, instance role)
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Size of a multipart upload part. Bodies up to one part go up in a single PUT; S3 allows
   * 10,000 parts, so the default caps an object at about 78 GiB. Up to 4 parts are held in
   * memory and in flight at once.
   * @defaultValue 8 MiB (the S3 minimum is 5 MiB)
   */
  partSizeBytes?: number;
}

/** An S3 {@link ObjectStore}, with a way to close its connections on shutdown. */
export interface S3ObjectStore extends ObjectStore {
  /** Closes the client's pooled connections; the store must not be used afterwards. */
  close(): void;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * An {@link ObjectStore} on an S3 bucket, using `@aws-sdk/client-s3`.
 *
 * - `put` streams through `@aws-sdk/lib-storage` `Upload` (multipart above one part, aborted on
 *   failure so no parts are left behind), hashing on the way. S3 makes an object visible only
 *   when its PUT or CompleteMultipartUpload succeeds, which gives the atomic replace.
 * - Checksums are sent and validated only when an operation requires them
 *   (`requestChecksumCalculation` / `responseChecksumValidation: "WHEN_REQUIRED"`): many
 *   S3-compatible services reject or mishandle the SDK's default CRC32 trailers, and integrity
 *   is covered by our own SHA-256 and the signatures.
 * - `deletePrefix` lists and batch-deletes (1,000 keys per request).
 * - `presignedGetUrl` signs a GET that answers with `Content-Disposition: attachment`.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): S3ObjectStore {
  const { bucket } = options;
  const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize < 5 * 1024 * 1024) {
    throw new RangeError(`partSizeBytes must be a whole number of at least 5 MiB, got ${partSize}`);
  }
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: options.credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

  return {
    async put(key, body, putOptions) {
      assertObjectKey(key);
      const source = digestingSource(body);
      // lib-storage reports a failed abort instead of the failure that caused it, so the body's
      // own error is caught here to report the real cause.
      let bodyError: unknown;
      const stream = Readable.from(
        (async function* () {
          try {
            yield* source.chunks;
          } catch (error) {
            bodyError = error;
            throw error;
          }
        })(),
      );
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: stream, ContentType: putOptions?.contentType },
        partSize,
        queueSize: 4,
        leavePartsOnError: false,
      });
      const failure = await upload.done().then(
        () => undefined,
        (error: unknown) => error ?? new Error("the upload failed without an error"),
      );
      if (failure !== undefined) {
        // Stops reading the body (an upload can fail while the body still has bytes) and, like
        // stream.pipeline, closes the caller's stream.
        stream.destroy();
        const caller = body as { destroy?: unknown };
        if (typeof caller.destroy === "function") (body as Readable).destroy();
        // The body's own failure is the cause, even when lib-storage reports the failed abort.
        const cause = bodyError ?? failure;
        if (cause instanceof ArtifactError) throw cause; // a body that yields strings
        const aborting =
          bodyError !== undefined && failure !== bodyError
            ? ` (then aborting the multipart upload failed too: ${messageOf(failure)}; ` +
              "its parts stay until a bucket lifecycle rule removes them)"
            : "";
        throw new Error(`uploading s3://${bucket}/${key} failed: ${messageOf(cause)}${aborting}`, {
          cause,
        });
      }
      return { key, ...source.digests() };
    },

    async stat(key) {
      assertObjectKey(key);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        if (httpStatusOf(error) === 404) return null;
        throw error;
      }
    },

    async read(key, range) {
      assertObjectKey(key);
      if (range !== undefined) assertByteRange(range);
      try {
        const object = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}`,
          }),
        );
        if (!(object.Body instanceof Readable)) {
          throw new Error(`GetObject returned no Node.js stream for s3://${bucket}/${key}`);
        }
        if (range !== undefined) assertContentRange(object.ContentRange, range, object.Body);
        return object.Body;
      } catch (error) {
        const status = httpStatusOf(error);
        if (status === 404) throw new ObjectNotFoundError(key, { cause: error });
        if (status === 416 && range !== undefined) {
          throw new InvalidRangeError(
            `byte range starts at ${range.start}, past the end of s3://${bucket}/${key}`,
          );
        }
        throw error;
      }
    },

    async deletePrefix(prefix) {
      assertKeyPrefix(prefix);
      let deleted = 0;
      let continuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ContinuationToken: continuationToken,
          }),
        );
        const keys = (page.Contents ?? []).flatMap((object) =>
          object.Key === undefined ? [] : [{ Key: object.Key }],
        );
        if (keys.length > 0) {
          const result = await client.send(
            new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
          );
          const failures = result.Errors ?? [];
          if (failures.length > 0) {
            const sample = failures
              .slice(0, 3)
              .map((failure) => `${failure.Key}: ${failure.Code} ${failure.Message}`)
              .join("; ");
            throw new Error(
              `deleting under s3://${bucket}/${prefix} failed for ${failures.length} object(s): ${sample}`,
            );
          }
          deleted += keys.length;
        }
        continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (continuationToken !== undefined);
      return deleted;
    },

    async presignedGetUrl(key, presignOptions) {
      assertObjectKey(key);
      const { expiresInSeconds, contentDisposition } = checkPresignOptions(presignOptions);
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: contentDisposition,
        }),
        { expiresIn: expiresInSeconds },
      );
    },

    close() {
      client.destroy();
    },
  };
}

/**
 * Some S3-compatible services get ranges wrong (s3rver answers `bytes=0-0` with the whole
 * object); serving their answer as a 206 would hand out wrong bytes, so it is checked.
 */
function assertContentRange(header: string | undefined, range: ByteRange, body: Readable): void {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header ?? "");
  const expectedEnd = match === null ? undefined : Math.min(range.end, Number(match[3]) - 1);
  if (match === null || Number(match[1]) !== range.start || Number(match[2]) !== expectedEnd) {
    body.destroy();
    throw new Error(
      `the S3 service answered range ${range.start}-${range.end} with ` +
        `Content-Range ${JSON.stringify(header ?? null)}: it does not honour byte ranges`,
    );
  }
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
