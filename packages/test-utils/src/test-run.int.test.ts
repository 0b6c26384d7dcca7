import { spawn } from "node:child_process";
import { once } from "node:events";

import pg from "pg";
import { describe, expect, it } from "vitest";

import { dropAbandonedDatabases } from "./postgres.ts";
import { isAbandoned, testRunTag, testRunTagOf } from "./test-run.ts";
import { adminDatabaseUrl } from "./urls.ts";

/** The tag of a process that ran and has exited. */
async function tagOfEndedProcess(): Promise<string> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
  await once(child, "spawn");
  const tag = testRunTagOf(child.pid ?? 0);
  child.kill();
  await once(child, "exit");
  return tag;
}

describe("test run ownership", () => {
  it("keeps names of a run whose process still runs", () => {
    expect(isAbandoned(`${testRunTag()}_template`)).toBe(false);
  });

  it("treats names of an ended process as abandoned", async () => {
    expect(isAbandoned(`${await tagOfEndedProcess()}_template`)).toBe(true);
  });

  it("treats a reused pid with another start time as abandoned", () => {
    const [, host, pid] = /^bbos_t_(\w{6})_(\d+)_/.exec(testRunTag()) ?? [];
    expect(isAbandoned(`bbos_t_${host}_${pid}_0_template`)).toBe(true);
  });

  it("never claims another host's runs or names it did not make", () => {
    const [, host = "", rest = ""] = /^bbos_t_(\w{6})(_.*)$/.exec(testRunTag()) ?? [];
    const otherHost = host === "ffffff" ? "000000" : "ffffff";
    expect(isAbandoned(`bbos_t_${otherHost}_1_0_template`)).toBe(false);
    expect(isAbandoned(`bbos_t_${otherHost}${rest}_template`)).toBe(false);
    expect(isAbandoned("bbos")).toBe(false);
    expect(isAbandoned("bbos_test_server_template")).toBe(false);
  });

  it("drops an abandoned run's database and leaves a live run's alone", async () => {
    const dead = `${await tagOfEndedProcess()}_leftover`;
    const live = `${testRunTag()}_live`;
    const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${dead}"`);
      await admin.query(`CREATE DATABASE "${live}"`);
      const dropped = await dropAbandonedDatabases();
      expect(dropped).toContain(dead);
      expect(dropped).not.toContain(live);
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname = ANY($1)",
        [[dead, live]],
      );
      expect(rows.map((row) => row.datname)).toEqual([live]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${dead}"`);
      await admin.query(`DROP DATABASE IF EXISTS "${live}"`);
      await admin.end();
    }
    // It drops every abandoned database on the server, not only its own: after a killed run
    // that is dozens, each a few hundred milliseconds on a busy machine.
  }, 60_000);
});
