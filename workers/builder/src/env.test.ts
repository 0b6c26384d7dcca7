import { describe, expect, it } from "vitest";

import { readBuilderEnv } from "./env.ts";

describe("readBuilderEnv", () => {
  it("uses defaults for everything that is unset or empty", () => {
    expect(readBuilderEnv({ LOG_LEVEL: "" })).toEqual({
      NODE_ENV: "development",
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: "bbos",
      BUILDER_CONCURRENCY: 1,
      BUILDER_SHUTDOWN_GRACE_MS: 30_000,
      LOG_LEVEL: "info",
    });
  });

  it("reads every variable", () => {
    expect(
      readBuilderEnv({
        REDIS_URL: "rediss://redis.internal:6380/2",
        BUILDER_CONCURRENCY: "4",
        BUILDER_SHUTDOWN_GRACE_MS: "0",
        LOG_LEVEL: "debug",
        REDIS_PREFIX: "bbos-staging",
      }),
    ).toMatchObject({
      REDIS_URL: "rediss://redis.internal:6380/2",
      BUILDER_CONCURRENCY: 4,
      BUILDER_SHUTDOWN_GRACE_MS: 0,
      LOG_LEVEL: "debug",
      REDIS_PREFIX: "bbos-staging",
    });
  });

  it("lists every problem, one per line, without repeating a secret URL", () => {
    const read = () =>
      readBuilderEnv({
        REDIS_URL: "http://user:secret@127.0.0.1:6379",
        BUILDER_CONCURRENCY: "two",
        BUILDER_SHUTDOWN_GRACE_MS: "-5",
        REDIS_PREFIX: "has space",
      });
    expect(read).toThrowError(/^invalid builder configuration:\n/);
    expect(read).toThrowError(/\n {2}BUILDER_CONCURRENCY: must be a whole number \(got "two"\)/);
    expect(read).toThrowError(/\n {2}BUILDER_SHUTDOWN_GRACE_MS: must be a whole number/);
    expect(read).toThrowError(/\n {2}REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL(\n|$)/);
    expect(read).toThrowError(/\n {2}REDIS_PREFIX: must be 1–64 letters/);
    expect(read).not.toThrowError(/secret/);
  });

  it("rejects a concurrency of zero", () => {
    expect(() => readBuilderEnv({ BUILDER_CONCURRENCY: "0" })).toThrow(
      /BUILDER_CONCURRENCY: must be at least 1 \(got "0"\)/,
    );
  });
});
