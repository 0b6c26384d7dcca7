import { describe, expect, it } from "vitest";

import { loadEnv } from "./env.ts";

describe("loadEnv", () => {
  it("uses defaults for everything that is unset or empty", () => {
    expect(loadEnv({ LOG_LEVEL: "" })).toEqual({
      redisUrl: "redis://127.0.0.1:6379",
      concurrency: 1,
      shutdownGraceMs: 30_000,
      logLevel: "info",
      prefix: "bbos",
    });
  });

  it("reads every variable", () => {
    expect(
      loadEnv({
        REDIS_URL: "rediss://redis.internal:6380/2",
        BUILDER_CONCURRENCY: "4",
        BUILDER_SHUTDOWN_GRACE_MS: "0",
        LOG_LEVEL: "debug",
        REDIS_PREFIX: "bbos-staging",
      }),
    ).toEqual({
      redisUrl: "rediss://redis.internal:6380/2",
      concurrency: 4,
      shutdownGraceMs: 0,
      logLevel: "debug",
      prefix: "bbos-staging",
    });
  });

  it("lists every problem, one per line", () => {
    let message = "";
    try {
      loadEnv({
        REDIS_URL: "http://user:secret@127.0.0.1:6379",
        BUILDER_CONCURRENCY: "two",
        BUILDER_SHUTDOWN_GRACE_MS: "-5",
        LOG_LEVEL: "verbose",
        REDIS_PREFIX: "has space",
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain("secret");
    const lines = message.split("\n");
    expect(lines[0]).toBe("invalid builder environment:");
    expect(lines.slice(1)).toEqual([
      "  REDIS_URL: must be a redis:// or rediss:// URL",
      expect.stringMatching(/^ {2}BUILDER_CONCURRENCY: must be a whole number \(got "two"\)$/),
      expect.stringMatching(/^ {2}BUILDER_SHUTDOWN_GRACE_MS: must be a whole number \(got "-5"\)$/),
      expect.stringMatching(/^ {2}LOG_LEVEL: must be one of fatal, error, .* \(got "verbose"\)$/),
      expect.stringMatching(
        /^ {2}REDIS_PREFIX: must be 1–64 letters, digits, '_', '-' or '\.' \(got "has space"\)$/,
      ),
    ]);
  });

  it("rejects a concurrency of zero", () => {
    expect(() => loadEnv({ BUILDER_CONCURRENCY: "0" })).toThrow(
      /BUILDER_CONCURRENCY: must be at least 1 \(got "0"\)/,
    );
  });
});
