import { availableParallelism } from "node:os";
import { resolve } from "node:path";

import { describe, expect, it } from "vitest";

import { readBuilderEnv } from "./env.ts";

const DATABASE_URL = "postgresql://bbos@127.0.0.1:5432/bbos";

describe("readBuilderEnv", () => {
  it("uses defaults for everything that is unset or empty, with the work directory under DATA_DIR", () => {
    expect(readBuilderEnv({ DATABASE_URL, LOG_LEVEL: "", BUILDER_WORK_DIR: "" })).toEqual({
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: "bbos",
      DATA_DIR: resolve("data"),
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: false,
      DATABASE_URL,
      BUILDER_CONCURRENCY: 1,
      BUILDER_SHUTDOWN_GRACE_MS: 30_000,
      BUILDER_WORK_DIR: resolve("data", "work"),
      BUILDER_CACHE_DIR: resolve("data", "cache"),
      BUILDER_CACHE_GB: 20,
      BUILDER_ALLOW_PRIVILEGED: false,
      BUILDER_CPUS: availableParallelism(),
      BUILDER_MEMORY_MB: 8192,
      BUILDER_TIMEOUT_MINUTES: 180,
    });
  });

  it("reads every variable, resolving paths against the working directory", () => {
    expect(
      readBuilderEnv({
        NODE_ENV: "production",
        LOG_LEVEL: "debug",
        REDIS_URL: "rediss://redis.internal:6380/2",
        REDIS_PREFIX: "bbos-staging",
        DATA_DIR: "/srv/bbos",
        SIGNING_KEY_FILE: "keys/release.key",
        S3_BUCKET: "artifacts",
        S3_REGION: "eu-central-1",
        S3_ENDPOINT: "http://127.0.0.1:9000",
        S3_FORCE_PATH_STYLE: "true",
        DATABASE_URL: "postgres://bbos:secret@db.internal:5432/bbos",
        DOCKER_HOST: "tcp://10.0.0.5:2375",
        BUILDER_CONCURRENCY: "4",
        BUILDER_SHUTDOWN_GRACE_MS: "0",
        BUILDER_WORK_DIR: "scratch",
        BUILDER_CACHE_DIR: "/var/cache/bbos",
        BUILDER_CACHE_GB: "50",
        BUILDER_ALLOW_PRIVILEGED: "true",
        BUILDER_CPUS: "6",
        BUILDER_MEMORY_MB: "4096",
        BUILDER_TIMEOUT_MINUTES: "45",
        DEBIAN_MIRROR: "http://mirror.internal/debian",
        DEBIAN_SECURITY_MIRROR: "http://mirror.internal/debian-security",
      }),
    ).toEqual({
      NODE_ENV: "production",
      LOG_LEVEL: "debug",
      REDIS_URL: "rediss://redis.internal:6380/2",
      REDIS_PREFIX: "bbos-staging",
      DATA_DIR: "/srv/bbos",
      SIGNING_KEY_FILE: resolve("keys/release.key"),
      S3_BUCKET: "artifacts",
      S3_REGION: "eu-central-1",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_FORCE_PATH_STYLE: true,
      DATABASE_URL: "postgres://bbos:secret@db.internal:5432/bbos",
      DOCKER_HOST: "tcp://10.0.0.5:2375",
      BUILDER_CONCURRENCY: 4,
      BUILDER_SHUTDOWN_GRACE_MS: 0,
      BUILDER_WORK_DIR: resolve("scratch"),
      BUILDER_CACHE_DIR: "/var/cache/bbos",
      BUILDER_CACHE_GB: 50,
      BUILDER_ALLOW_PRIVILEGED: true,
      BUILDER_CPUS: 6,
      BUILDER_MEMORY_MB: 4096,
      BUILDER_TIMEOUT_MINUTES: 45,
      DEBIAN_MIRROR: "http://mirror.internal/debian",
      DEBIAN_SECURITY_MIRROR: "http://mirror.internal/debian-security",
    });
  });

  it("puts the work directory under DATA_DIR unless BUILDER_WORK_DIR is set", () => {
    expect(readBuilderEnv({ DATABASE_URL, DATA_DIR: "/srv/bbos" }).BUILDER_WORK_DIR).toBe(
      "/srv/bbos/work",
    );
    expect(
      readBuilderEnv({ DATABASE_URL, DATA_DIR: "/srv/bbos", BUILDER_WORK_DIR: "/fast/work" })
        .BUILDER_WORK_DIR,
    ).toBe("/fast/work");
  });

  it("requires DATABASE_URL, saying what one looks like", () => {
    expect(() => readBuilderEnv({})).toThrowError(
      /^invalid builder configuration:\n {2}DATABASE_URL: is required \(e\.g\. postgresql:\/\/USER@127\.0\.0\.1:5432\/bbos\)$/,
    );
  });

  it("lists every problem, one per line, without repeating a secret URL", () => {
    const read = () =>
      readBuilderEnv({
        REDIS_URL: "http://user:secret@127.0.0.1:6379",
        DATABASE_URL: "mysql://user:hunter2@127.0.0.1/bbos",
        DOCKER_HOST: "ssh://me@host",
        BUILDER_CONCURRENCY: "two",
        BUILDER_SHUTDOWN_GRACE_MS: "-5",
        BUILDER_CPUS: "0",
        BUILDER_MEMORY_MB: "100",
        BUILDER_TIMEOUT_MINUTES: "0",
        DEBIAN_MIRROR: "mirror",
        REDIS_PREFIX: "has space",
      });
    expect(read).toThrowError(/^invalid builder configuration:\n/);
    expect(read).toThrowError(/\n {2}REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL(\n|$)/);
    expect(read).toThrowError(/\n {2}DATABASE_URL: must be a postgresql:\/\/ URL(\n|$)/);
    expect(read).toThrowError(
      /\n {2}DOCKER_HOST: must be unix:\/\/\/absolute\/path or tcp:\/\/host:port \(got "ssh:\/\/me@host"\)/,
    );
    expect(read).toThrowError(/\n {2}BUILDER_CONCURRENCY: must be a whole number \(got "two"\)/);
    expect(read).toThrowError(/\n {2}BUILDER_SHUTDOWN_GRACE_MS: must be a whole number/);
    expect(read).toThrowError(/\n {2}BUILDER_CPUS: must be at least 1 \(got "0"\)/);
    expect(read).toThrowError(/\n {2}BUILDER_MEMORY_MB: must be at least 256 \(got "100"\)/);
    expect(read).toThrowError(/\n {2}BUILDER_TIMEOUT_MINUTES: must be at least 1 \(got "0"\)/);
    expect(read).toThrowError(/\n {2}DEBIAN_MIRROR: .* \(got "mirror"\)/);
    expect(read).toThrowError(/\n {2}REDIS_PREFIX: must be 1–64 letters/);
    expect(read).not.toThrowError(/secret|hunter2/);
  });

  it("rejects a concurrency of zero", () => {
    expect(() => readBuilderEnv({ DATABASE_URL, BUILDER_CONCURRENCY: "0" })).toThrow(
      /BUILDER_CONCURRENCY: must be at least 1 \(got "0"\)/,
    );
  });
});
