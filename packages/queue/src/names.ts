/** The BullMQ queue that carries board-image builds from the server to builder workers. */
export const BUILD_QUEUE = "builds";

/** The job name for "run one build" on {@link BUILD_QUEUE}; its data is a `BuildRunPayload`. */
export const BUILD_RUN_JOB = "build.run";

/** Job names accepted on {@link BUILD_QUEUE}. */
export type BuildJobName = typeof BUILD_RUN_JOB;
