import { z } from "zod";

/**
 * The data of a `build.run` job. It carries ids only: the worker loads the build (board config,
 * targets) from Postgres, so the payload stays small and never holds secrets in clear text.
 */
const buildRunPayloadSchema = z.object({
  /** The build row this job runs; also the BullMQ job id, which makes enqueueing idempotent. */
  buildId: z.uuid(),
  /** Who asked for the build (user id), for logs only. */
  requestedBy: z.string().min(1).optional(),
});

/** The data of a `build.run` job. */
export type BuildRunPayload = z.infer<typeof buildRunPayloadSchema>;

/**
 * Validates job data as a {@link BuildRunPayload}.
 *
 * @throws Error whose message lists every issue as `path: message`, e.g.
 * `invalid build.run payload: buildId: Invalid UUID`.
 */
export function parseBuildRunPayload(data: unknown): BuildRunPayload {
  const result = buildRunPayloadSchema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(payload)";
    return `${path}: ${issue.message}`;
  });
  throw new Error(`invalid build.run payload: ${issues.join("; ")}`, { cause: result.error });
}
