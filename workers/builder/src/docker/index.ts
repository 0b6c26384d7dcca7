export { detectDebianMirror, DEFAULT_DEBIAN_MIRROR } from "./apt-mirror.ts";
export { baseImageDefinition, baseImageTag } from "./base-image.ts";
export {
  BUILDER_PACKAGES,
  builderImageDefinition,
  builderImageId,
  builderImageTag,
  defineBuilderImage,
  ensureBuilderImage,
  type BuilderImage,
  type BuilderImageDefinition,
  type EnsureBuilderImageOptions,
} from "./builder-image.ts";
export {
  createDocker,
  DEFAULT_DOCKER_HOST,
  describeEngine,
  dockerEndpoint,
  type EngineDescription,
} from "./docker-client.ts";
export {
  ContainerStoppedError,
  DockerUnavailableError,
  MissingImageError,
} from "./docker-errors.ts";
export {
  LABEL_BUILD_ID,
  LABEL_IMAGE_DEFINITION,
  LABEL_INSTALLATION,
  LABEL_WORKER_ID,
} from "./labels.ts";
export { MAX_LINE_BYTES } from "./line-splitter.ts";
export {
  removeOrphanContainers,
  type RemovedOrphan,
  type RemoveOrphansOptions,
} from "./orphans.ts";
export {
  runContainer,
  type ContainerMount,
  type ContainerResult,
  type ContainerStep,
  type RunContainerOptions,
} from "./run-container.ts";
