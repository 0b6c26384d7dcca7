// The cache against the real Redis: a hit for the same content, a miss once the schema changes.
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";

import { createConfigValidator } from "@bbos/core";
import { removeRedisKeys, testRedisUrl, uniquePrefix } from "@bbos/test-utils";
import { boardCatalogue, boardConfigSchemas } from "@bbos/schemas";

import { createValidationService } from "./validation-service.ts";

const redis = new Redis(testRedisUrl());
const keyPrefix = uniquePrefix();
const log = pino({ level: "silent" });

afterAll(async () => {
  await removeRedisKeys(redis, keyPrefix);
  await redis.quit();
});

const config = {
  board: "qemu-arm64",
  os: { release: "bookworm", branch: "current", variant: "minimal" },
  system: { hostname: "cache-test" },
};

describe("validation cache", () => {
  it("hits for the same config and misses once the schema changed", async () => {
    const service = createValidationService({
      validator: createConfigValidator({ schemas: boardConfigSchemas, catalogue: boardCatalogue }),
      redis,
      log,
      keyPrefix,
    });
    expect((await service.validate("board-config/1", config)).cached).toBe(false);
    expect((await service.validate("board-config/1", config)).cached).toBe(true);

    // A new revision of schema 1 (a changed description) must not reuse the old results.
    const v1 = boardConfigSchemas["board-config/1"];
    const changed = {
      ...boardConfigSchemas,
      "board-config/1": { ...v1, schema: { ...v1.schema, description: "revised" } },
    };
    const revised = createValidationService({
      validator: createConfigValidator({ schemas: changed, catalogue: boardCatalogue }),
      redis,
      log,
      keyPrefix,
    });
    const afterChange = await revised.validate("board-config/1", config);
    expect(afterChange).toMatchObject({ cached: false, valid: true });
    expect((await revised.validate("board-config/1", config)).cached).toBe(true);
  });

  it("keeps validating when Redis is unreachable", async () => {
    const offline = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    offline.on("error", () => undefined); // the service logs the failed reads
    const service = createValidationService({
      validator: createConfigValidator({ schemas: boardConfigSchemas, catalogue: boardCatalogue }),
      redis: offline,
      log,
      keyPrefix,
    });
    const result = await service.validate("board-config/1", {
      ...config,
      system: { hostname: "-bad-" },
    });
    expect(result).toMatchObject({ valid: false, cached: false });
    offline.disconnect();
  });
});
