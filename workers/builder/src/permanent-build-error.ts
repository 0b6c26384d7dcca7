/**
 * A build failure that running the build again cannot fix: no recipe runner, an invalid recipe.
 * The BullMQ adapter (`processor.ts`) fails the job at once for it; any other error is treated as
 * transient and retried per the job's `attempts`.
 */
export class PermanentBuildError extends Error {
  override readonly name = "PermanentBuildError";
}
