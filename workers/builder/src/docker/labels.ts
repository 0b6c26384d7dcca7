// Several checkouts (installations) may share one Docker engine, so everything BBOS creates on it
// carries these labels, and cleanup only ever touches objects labelled with its own installation.

/** The installation (e.g. the Redis prefix) that created a container or image. */
export const LABEL_INSTALLATION = "io.bbos.installation";

/** The build a container works for. */
export const LABEL_BUILD_ID = "io.bbos.build-id";

/** The worker process that runs a container; `removeOrphanContainers` checks it is alive. */
export const LABEL_WORKER_ID = "io.bbos.worker-id";

/** On images: the definition hash the image was made from (`builderImageId()` for the builder). */
export const LABEL_IMAGE_DEFINITION = "io.bbos.image-definition";

/**
 * Checks that `installation` can be used as a label value on every object BBOS creates.
 *
 * @throws Error when it is empty or holds control characters (which Dockerfile `LABEL` lines
 * and `docker import --change` cannot carry).
 */
export function assertInstallation(installation: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (installation === "" || /[\u0000-\u001f\u007f]/.test(installation)) {
    throw new Error(
      `invalid installation ${JSON.stringify(installation)}: it must be a non-empty label value without control characters`,
    );
  }
}
