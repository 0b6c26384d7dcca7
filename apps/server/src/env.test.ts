import { describe, expect, it } from "vitest";

import { loadEnv } from "./env.ts";

describe("loadEnv", () => {
  it("fills sensible defaults around the one required setting", () => {
    const env = loadEnv({ DATABASE_URL: "postgresql://u@127.0.0.1:5432/bbos" });
    expect(env).toMatchObject({
      HOST: "127.0.0.1",
      PORT: 4000,
      REDIS_URL: "redis://127.0.0.1:6379",
      AUTH_MODE: "local",
      REDIS_PREFIX: "bbos",
      GRAPHQL_INTROSPECTION: true,
      version: "dev",
    });
  });

  it("turns introspection off in production unless GRAPHQL_INTROSPECTION says otherwise", () => {
    const base = { DATABASE_URL: "postgres://x/y", NODE_ENV: "production" };
    expect(loadEnv(base).GRAPHQL_INTROSPECTION).toBe(false);
    expect(loadEnv({ ...base, GRAPHQL_INTROSPECTION: "true" }).GRAPHQL_INTROSPECTION).toBe(true);
    expect(() => loadEnv({ ...base, GRAPHQL_INTROSPECTION: "yes" })).toThrow(
      /GRAPHQL_INTROSPECTION: /,
    );
  });

  it("rejects a REDIS_PREFIX that would split keys", () => {
    expect(() => loadEnv({ DATABASE_URL: "postgres://x/y", REDIS_PREFIX: "a:b" })).toThrow(
      /REDIS_PREFIX: must be 1–64 letters/,
    );
  });

  it("lists every problem at once", () => {
    const problems = () => loadEnv({ PORT: "eighty", REDIS_URL: "http://x", LOG_LEVEL: "loud" });
    expect(problems).toThrowError(/^invalid configuration:\n/);
    expect(problems).toThrowError(/\n {2}DATABASE_URL: is required/);
    expect(problems).toThrowError(/\n {2}PORT: /);
    expect(problems).toThrowError(/\n {2}REDIS_URL: must be a redis:\/\/ URL/);
    expect(problems).toThrowError(/\n {2}LOG_LEVEL: /);
  });

  it("resolves WEB_DIST to an absolute path", () => {
    const env = loadEnv({ DATABASE_URL: "postgres://x/y", WEB_DIST: "apps/web/dist" });
    expect(env.WEB_DIST).toMatch(/^\/.*apps\/web\/dist$/);
  });
});
