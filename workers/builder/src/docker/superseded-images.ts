import type Docker from "dockerode";

import { describeReason } from "./docker-errors.ts";
import { LABEL_IMAGE_DEFINITION, LABEL_INSTALLATION } from "./labels.ts";

/**
 * Removes untagged copies of an image this installation made from `definitionHash`: when two
 * processes make the same image at once, the later one takes the tag and the earlier one's image
 * is left untagged. Only dangling images with both labels are considered, and removal is never
 * forced, so an image still in use (by a container, or as another image's parent) stays.
 * Returns how many went; failures are logged, never thrown (the image that matters is tagged).
 */
export async function removeSupersededImages(
  docker: Docker,
  { installation, definitionHash, log }: SupersededImagesOptions,
): Promise<number> {
  let removed = 0;
  try {
    const images = await docker.listImages({
      filters: {
        dangling: ["true"],
        label: [
          `${LABEL_INSTALLATION}=${installation}`,
          `${LABEL_IMAGE_DEFINITION}=${definitionHash}`,
        ],
      },
    });
    for (const image of images) {
      try {
        await docker.getImage(image.Id).remove();
        removed++;
        log(`removed superseded image ${image.Id}`);
      } catch (error) {
        // In use, or another process removed it first: either way nothing to do here.
        log(`kept superseded image ${image.Id}: ${describeReason(error)}`);
      }
    }
  } catch (error) {
    // Tidying up only: the made image is tagged and usable whatever happens here.
    log(`could not look for superseded images: ${describeReason(error)}`);
  }
  return removed;
}

/** Options for {@link removeSupersededImages}. */
export interface SupersededImagesOptions {
  installation: string;
  /** The `io.bbos.image-definition` label of the images to tidy up. */
  definitionHash: string;
  log: (line: string) => void;
}
