// Hostile configs against validateConfig over HTTP: a request must neither hold the event loop
// (every other request of the process waits behind it) nor answer with megabytes of issues.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { graphql, startTestServer, type TestServer } from "../start-test-server.ts";

const VALIDATE = /* GraphQL */ `
  query ($schemaId: BoardConfigSchemaId!, $config: JSON!) {
    validateConfig(schemaId: $schemaId, config: $config) {
      valid
      issues {
        path
        code
        message
        severity
      }
      omittedIssueCount
    }
  }
`;

interface ValidationPayload {
  validateConfig: {
    valid: boolean;
    issues: { path: string; code: string; message: string; severity: string }[];
    omittedIssueCount: number;
  };
}

/**
 * Longest a /healthz answer may take while the 868 KiB request runs (before the fix: 22 s). What
 * remains is parsing that body twice, Express's `JSON.parse` and the checked copy of
 * `parseConfigJson`, about 100 ms of one core; measured up to 250 ms with another test file
 * running on the second core of a 2-core machine.
 */
const HEALTHZ_BOUND_MS = 500;

/**
 * Asks /healthz again and again, one request always in flight, until `done` settles, and
 * returns the slowest answer. Because a probe is always waiting, any stretch in which the server
 * cannot answer (its event loop busy) shows up in one probe's time.
 */
async function probeHealthUntil(url: string, done: Promise<unknown>) {
  let settled = false;
  const settle = () => (settled = true);
  // Rejections are the caller's to report; here they only end the probing.
  done.then(settle, settle);
  let slowestMs = 0;
  let probes = 0;
  let failed = 0;
  while (!settled) {
    const started = performance.now();
    const answered = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    slowestMs = Math.max(slowestMs, performance.now() - started);
    probes++;
    if (!answered) failed++;
  }
  return { slowestMs, probes, failed };
}

describe("validateConfig bounds", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    // One small validation first, so what is timed below is the hostile input, not warm-up.
    await graphql(server.url, VALIDATE, { schemaId: "board-config/2", config: { board: "x" } });
  });
  afterAll(() => server?.close());

  it("answers /healthz while validating a 100,000-entry package list", async () => {
    const install = Array.from({ length: 100_000 }, (_, i) => `p${i}`);
    const config = { board: "rock-5b", packages: { install } };
    expect(JSON.stringify(config).length).toBeGreaterThan(868 * 1024);

    const started = performance.now();
    const request = graphql<ValidationPayload>(server.url, VALIDATE, {
      schemaId: "board-config/2",
      config,
    });
    const timed = request.then(() => performance.now() - started);
    const [{ slowestMs, probes, failed }, { body }, requestMs] = await Promise.all([
      probeHealthUntil(server.url, timed),
      request,
      timed,
    ]);
    console.log(
      `100,000-entry install list: answered in ${requestMs.toFixed(0)} ms; ` +
        `slowest of ${probes} /healthz probes meanwhile: ${slowestMs.toFixed(0)} ms (${failed} failed)`,
    );

    expect(body.data?.validateConfig.issues).toContainEqual({
      path: "/packages/install",
      code: "SCHEMA_MAX_ITEMS",
      message: "install must have at most 500 entries",
      severity: "ERROR",
    });
    expect(probes).toBeGreaterThan(0);
    expect(failed).toBe(0);
    expect(slowestMs).toBeLessThan(HEALTHZ_BOUND_MS);
    expect(requestMs).toBeLessThan(2_000);
  });

  it("answers 50,000 unknown keys with a capped list and the count left out", async () => {
    const config: Record<string, unknown> = { board: "rock-5b" };
    for (let i = 0; i < 50_000; i++) config[`p${i}`] = 1;

    const { body } = await graphql<ValidationPayload>(server.url, VALIDATE, {
      schemaId: "board-config/2",
      config,
    });
    const size = JSON.stringify(body).length;
    console.log(`50,000 unknown keys: response of ${size.toLocaleString("en-US")} bytes`);

    expect(size).toBeLessThan(64 * 1024);
    const result = body.data?.validateConfig;
    expect(result?.valid).toBe(false);
    expect(result?.issues).toHaveLength(100);
    expect(result?.issues[2]).toMatchObject({ path: "/p0", code: "SCHEMA_ADDITIONAL_PROPERTY" });
    // Two missing sections, 50,000 unknown keys and two rule issues, less the 100 shown.
    expect(result?.omittedIssueCount).toBe(50_004 - 100);
  });
});
