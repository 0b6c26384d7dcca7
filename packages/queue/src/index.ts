export { BUILD_QUEUE, BUILD_RUN_JOB, type BuildJobName } from "./names.ts";
export { parseBuildRunPayload, type BuildRunPayload } from "./build-run-payload.ts";
export {
  createRedisConnection,
  type RedisConnectionOptions,
  type RedisConnectionRole,
} from "./connection.ts";
export {
  createBuildQueue,
  enqueueBuild,
  MAX_BUILD_PRIORITY,
  type BuildJob,
  type BuildQueue,
  type BuildQueueOptions,
  type EnqueueBuildOptions,
} from "./build-queue.ts";
export {
  readBuildLog,
  type BuildLogLine,
  type BuildLogPage,
  type BuildLogStream,
  type ReadBuildLogOptions,
} from "./build-log.ts";
export {
  createBuildLogWriter,
  type BuildLogWriter,
  type BuildLogWriterOptions,
} from "./build-log-writer.ts";
export {
  createBuildLogFollower,
  type BuildLogFollower,
  type BuildLogFollowerOptions,
} from "./build-log-follower.ts";
export {
  createBuildChannels,
  type BuildChannels,
  type BuildChannelsOptions,
  type BuildUpdatePayload,
  type MalformedBuildMessage,
} from "./build-channels.ts";
