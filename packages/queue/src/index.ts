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
  type BuildJob,
  type BuildQueue,
  type BuildQueueOptions,
  type EnqueueBuildOptions,
} from "./build-queue.ts";
