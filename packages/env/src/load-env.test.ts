import { resolve } from "node:path";

import { z } from "zod";
import { describe, expect, it } from "vitest";

import { loadEnv } from "./load-env.ts";
import { flag, sharedVariables, wholeNumber } from "./variables.ts";

const shape = {
  ...sharedVariables,
  PORT: wholeNumber(0).default(4000),
  ENABLED: flag().optional(),
  DATABASE_URL: z.string({ error: "is required" }),
};

describe("loadEnv", () => {
  it("fills the shared defaults and keeps the variables' names", () => {
    expect(loadEnv(shape, { DATABASE_URL: "postgres://x/y" }, { process: "test" })).toEqual({
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: "bbos",
      // Relative to the working directory, made absolute.
      DATA_DIR: resolve("data"),
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: false,
      PORT: 4000,
      DATABASE_URL: "postgres://x/y",
    });
  });

  it("treats an empty value as unset and ignores variables it does not know", () => {
    const env = loadEnv(
      shape,
      { DATABASE_URL: "postgres://x/y", PORT: "", ENABLED: "true", HOME: "/root" },
      { process: "test" },
    );
    expect(env.PORT).toBe(4000);
    expect(env.ENABLED).toBe(true);
    expect(env).not.toHaveProperty("HOME");
  });

  it("lists every problem at once, without the values of secret variables", () => {
    const load = () =>
      loadEnv(
        shape,
        { PORT: "eighty", REDIS_URL: "http://user:hunter2@host", REDIS_PREFIX: "a:b" },
        { process: "worker", secrets: ["REDIS_URL"] },
      );
    expect(load).toThrowError(/^invalid worker configuration:\n/);
    expect(load).toThrowError(/\n {2}PORT: must be a whole number \(got "eighty"\)/);
    expect(load).toThrowError(/\n {2}REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL(\n|$)/);
    expect(load).toThrowError(/\n {2}REDIS_PREFIX: must be 1–64 letters/);
    expect(load).toThrowError(/\n {2}DATABASE_URL: is required(\n|$)/);
    expect(load).not.toThrowError(/hunter2/);
  });
});
