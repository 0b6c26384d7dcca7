// What the rest of the worker (and the end-to-end tests) use of the Docker layer.
export {
  ensureBuilderImage,
  type BuilderImage,
  type EnsureBuilderImageOptions,
} from "./builder-image.ts";
export { createDocker, describeEngine, type EngineDescription } from "./docker-client.ts";
export { LABEL_BUILD_ID } from "./labels.ts";
export {
  removeOrphanContainers,
  type RemovedOrphan,
  type RemoveOrphansOptions,
} from "./orphans.ts";
export type {
  ContainerMount,
  ContainerResult,
  ContainerStep,
  RunContainerOptions,
} from "./run-container.ts";
