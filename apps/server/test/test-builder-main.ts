// A build worker process with the tests' recipes, for tests that kill one (the product's
// workers/builder/src/main.ts has only the product recipes). Settings come from the environment;
// short locks and heartbeats make a killed worker's build move on within seconds.
import { pino } from "pino";

import { openArtifactStorage } from "@bbos/artifacts";
import { startBuilder } from "@bbos/builder/builder";
import { createDocker } from "@bbos/builder/docker";
import { openSecretKeyRing } from "@bbos/db";
import { createDb } from "@bbos/db/client";

import { fastRecovery } from "./fast-recovery.ts";
import { testRecipes } from "./test-recipes.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const storage = await openArtifactStorage(
  { DATA_DIR: env("DATA_DIR"), S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false },
  () => undefined,
);
const builder = await startBuilder({
  db: createDb({ url: env("DATABASE_URL") }),
  redisUrl: env("REDIS_URL"),
  prefix: env("REDIS_PREFIX"),
  docker: createDocker(process.env.DOCKER_HOST),
  recipes: testRecipes,
  store: storage.store,
  signingKey: storage.signingKey,
  secrets: await openSecretKeyRing({ DATA_DIR: env("DATA_DIR") }, () => undefined),
  workRoot: env("WORK_DIR"),
  cache: { dir: `${env("WORK_DIR")}.cache`, limitMiB: 1024 },
  concurrency: 1,
  limits: { cpus: 1, memoryBytes: 256 * 1024 * 1024 },
  timeoutMs: 5 * 60_000,
  logger: pino({ level: "warn" }),
  ...fastRecovery,
});
console.log(`ready ${builder.workerId}`);
