import { describe, expect, it } from "vitest";

import { readServerEnv } from "./env.ts";

describe("readServerEnv", () => {
  it("fills sensible defaults around the one required setting", () => {
    const env = readServerEnv({ DATABASE_URL: "postgresql://u@127.0.0.1:5432/bbos" });
    expect(env).toMatchObject({
      HOST: "127.0.0.1",
      PORT: 4000,
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: "bbos",
      AUTH_MODE: "local",
      GRAPHQL_INTROSPECTION: true,
      npm_package_version: "dev",
    });
  });

  it("lists every problem at once", () => {
    const problems = () =>
      readServerEnv({ PORT: "eighty", REDIS_URL: "http://x", LOG_LEVEL: "loud" });
    expect(problems).toThrowError(/^invalid server configuration:\n/);
    expect(problems).toThrowError(/\n {2}DATABASE_URL: is required/);
    expect(problems).toThrowError(/\n {2}PORT: must be a whole number \(got "eighty"\)/);
    expect(problems).toThrowError(/\n {2}REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(problems).toThrowError(/\n {2}LOG_LEVEL: must be one of/);
  });

  it("resolves WEB_DIST to an absolute path", () => {
    const env = readServerEnv({ DATABASE_URL: "postgres://x/y", WEB_DIST: "apps/web/dist" });
    expect(env.WEB_DIST).toMatch(/^\/.*apps\/web\/dist$/);
  });

  it("turns introspection off in production unless GRAPHQL_INTROSPECTION says otherwise", () => {
    const base = { DATABASE_URL: "postgres://x/y", NODE_ENV: "production" };
    expect(readServerEnv(base).GRAPHQL_INTROSPECTION).toBe(false);
    expect(readServerEnv({ ...base, GRAPHQL_INTROSPECTION: "true" }).GRAPHQL_INTROSPECTION).toBe(
      true,
    );
    expect(() => readServerEnv({ ...base, GRAPHQL_INTROSPECTION: "yes" })).toThrow(
      /GRAPHQL_INTROSPECTION: must be true or false/,
    );
  });

  it("accepts the development login outside production", () => {
    const base = { DATABASE_URL: "postgres://x/y", AUTH_MODE: "dev" };
    expect(readServerEnv(base).AUTH_MODE).toBe("dev");
    expect(readServerEnv({ ...base, NODE_ENV: "test" }).AUTH_MODE).toBe("dev");
    expect(() => readServerEnv({ ...base, AUTH_MODE: "okta" })).toThrow(
      /\n {2}AUTH_MODE: must be local, dev or github \(got "okta"\)/,
    );
  });

  it("refuses the development login with NODE_ENV=production", () => {
    const production = { DATABASE_URL: "postgres://x/y", NODE_ENV: "production" };
    expect(() => readServerEnv({ ...production, AUTH_MODE: "dev" })).toThrowError(
      /^invalid server configuration:\n {2}AUTH_MODE: dev lets anyone sign in as anyone, so it is refused with NODE_ENV=production \(got "dev"\)$/,
    );
    expect(readServerEnv({ ...production, AUTH_MODE: "local" }).AUTH_MODE).toBe("local");
  });

  it("lists the refused development login among the other problems", () => {
    const problems = () =>
      readServerEnv({ NODE_ENV: "production", AUTH_MODE: "dev", PORT: "eighty" });
    expect(problems).toThrowError(/^invalid server configuration:\n/);
    expect(problems).toThrowError(/\n {2}DATABASE_URL: is required/);
    expect(problems).toThrowError(/\n {2}PORT: must be a whole number/);
    expect(problems).toThrowError(/\n {2}AUTH_MODE: dev lets anyone sign in as anyone/);
  });

  it("reads the extra WebSocket origins as a list and refuses one with a path", () => {
    const base = { DATABASE_URL: "postgres://x/y" };
    expect(readServerEnv(base).ALLOWED_ORIGINS).toEqual([]);
    expect(
      readServerEnv({ ...base, ALLOWED_ORIGINS: "http://localhost:5173, https://bbos.example" })
        .ALLOWED_ORIGINS,
    ).toEqual(["http://localhost:5173", "https://bbos.example"]);
    expect(() => readServerEnv({ ...base, ALLOWED_ORIGINS: "https://bbos.example/app" })).toThrow(
      /ALLOWED_ORIGINS/,
    );
  });

  it("rejects a REDIS_PREFIX that would split keys", () => {
    expect(() => readServerEnv({ DATABASE_URL: "postgres://x/y", REDIS_PREFIX: "a:b" })).toThrow(
      /REDIS_PREFIX: must be 1–64 letters/,
    );
  });

  it("signs in with GitHub when a GitHub app is configured, with github.com's endpoints", () => {
    const env = readServerEnv({
      DATABASE_URL: "postgres://x/y",
      GITHUB_CLIENT_ID: "Iv1.abc",
      GITHUB_CLIENT_SECRET: "s3cret",
      GITHUB_ALLOWED_TEAMS: "acme/firmware, acme/boards",
    });
    expect(env).toMatchObject({
      AUTH_MODE: "github",
      PUBLIC_URL: "http://127.0.0.1:4000",
      GITHUB_URL: "https://github.com",
      GITHUB_API_URL: "https://api.github.com",
      GITHUB_ALLOWED_ORGS: [],
      GITHUB_ALLOWED_TEAMS: ["acme/firmware", "acme/boards"],
    });
  });

  it("derives a GitHub Enterprise Server's API address from its web address", () => {
    const env = readServerEnv({
      DATABASE_URL: "postgres://x/y",
      GITHUB_CLIENT_ID: "id",
      GITHUB_CLIENT_SECRET: "secret",
      GITHUB_URL: "https://ghe.example.com/",
      PUBLIC_URL: "https://bbos.example.com/",
    });
    expect(env.GITHUB_API_URL).toBe("https://ghe.example.com/api/v3");
    expect(env.PUBLIC_URL).toBe("https://bbos.example.com");
  });

  it("lists what GitHub sign-in lacks, never quoting the client secret", () => {
    const problems = () =>
      readServerEnv({
        DATABASE_URL: "postgres://x/y",
        NODE_ENV: "production",
        AUTH_MODE: "github",
        GITHUB_CLIENT_SECRET: "",
        GITHUB_ALLOWED_TEAMS: "firmware",
        PUBLIC_URL: "http://bbos.example.com",
      });
    expect(problems).toThrowError(/\n {2}GITHUB_CLIENT_ID: is required with AUTH_MODE=github/);
    expect(problems).toThrowError(/\n {2}GITHUB_CLIENT_SECRET: is required with AUTH_MODE=github/);
    expect(problems).toThrowError(/\n {2}GITHUB_ALLOWED_TEAMS.0: must be an org\/team-slug pair/);
    expect(problems).toThrowError(/\n {2}PUBLIC_URL: must be the server's https:\/\/ address/);
    expect(() =>
      readServerEnv({
        DATABASE_URL: "postgres://x/y",
        GITHUB_CLIENT_ID: "id",
        GITHUB_CLIENT_SECRET: "hunter2",
        GITHUB_URL: "not a url",
        PORT: "x",
      }),
    ).not.toThrowError(/hunter2/);
  });

  it("reads the project file size limit, at most 1 GiB, and leaves the default to the server", () => {
    const base = { DATABASE_URL: "postgres://x/y" };
    expect(readServerEnv(base).PROJECT_FILE_MAX_BYTES).toBeUndefined();
    expect(
      readServerEnv({ ...base, PROJECT_FILE_MAX_BYTES: "1048576" }).PROJECT_FILE_MAX_BYTES,
    ).toBe(1048576);
    expect(() => readServerEnv({ ...base, PROJECT_FILE_MAX_BYTES: "2147483648" })).toThrow(
      /\n {2}PROJECT_FILE_MAX_BYTES: must be at most 1073741824 \(1 GiB\)/,
    );
    expect(() => readServerEnv({ ...base, PROJECT_FILE_MAX_BYTES: "64M" })).toThrow(
      /PROJECT_FILE_MAX_BYTES: must be a whole number/,
    );
  });
});
