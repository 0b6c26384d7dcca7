import { UnrecoverableError } from "bullmq";

import type { BuildHandler } from "./processor.ts";

/**
 * The handler this worker runs until the Docker recipe runner exists: it fails every build at
 * once, without retries, and says why. It is not a stub that pretends builds succeed.
 */
export const failWithoutRecipeRunner: BuildHandler = (_payload, { log }) => {
  log.error("cannot run build: no recipe runner is configured on this worker");
  return Promise.reject(new UnrecoverableError("no recipe runner is configured on this worker"));
};
