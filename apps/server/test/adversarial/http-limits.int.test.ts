// HTTP-level defences: bodies refused on their announced size, clients that hold connections
// open, malformed encodings, hostile project file uploads, rate limits, and the security headers
// on every response.
import { connect } from "node:net";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

import { uniquePrefix } from "@bbos/test-utils";

import { uploadFile } from "../project-file-client.ts";
import { graphql, signIn, startTestServer, type TestServer } from "../start-test-server.ts";

/** Sends `head` raw over TCP and resolves with everything the server answers until it closes. */
function rawRequest(url: string, head: string, options: { holdMs?: number } = {}) {
  const { hostname, port } = new URL(url);
  return new Promise<{ response: string; closedAfterMs: number }>((resolve, reject) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let response = "";
    socket.on("data", (chunk: Buffer) => (response += chunk.toString()));
    socket.on("error", reject);
    socket.on("close", () => resolve({ response, closedAfterMs: performance.now() - started }));
    if (options.holdMs) setTimeout(() => socket.destroy(), options.holdMs);
  });
}

describe("HTTP limits", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      httpTimeouts: { requestMs: 1_000, headersMs: 1_000, keepAliveMs: 1_000 },
      rateLimits: { graphqlPerMinute: 1_000, socketsPerMinute: 1_000 },
    });
  });
  afterAll(() => server?.close());

  it("refuses a body announced as 100 MB at once, without waiting for it", async () => {
    const head =
      "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
      "Content-Length: 104857600\r\n\r\n{";
    const { response, closedAfterMs } = await rawRequest(server.url, head, { holdMs: 5_000 });
    console.log(`100 MB announced: answered and closed after ${closedAfterMs.toFixed(0)} ms`);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it("drops a client that sends its body too slowly", async () => {
    const head =
      "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
      "Content-Length: 100\r\n\r\n{";
    const { response, closedAfterMs } = await rawRequest(server.url, head, { holdMs: 10_000 });
    console.log(`stalled body: connection ended after ${closedAfterMs.toFixed(0)} ms`);
    expect(closedAfterMs).toBeLessThan(5_000);
    expect(response).toMatch(/^$|^HTTP\/1\.1 408 /);
  });

  it("answers a gzip body that is not gzip with a 4xx, not an internal error", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: '{"query":"{ health { status } }"}',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe("BAD_REQUEST");

    const real = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync('{"query":"{ health { status } }"}'),
    });
    expect(await real.json()).toEqual({ data: { health: { status: "OK" } } });
  });

  it("quotes at most a little of a body that is not JSON", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query": ${"x".repeat(500_000)}`,
    });
    expect(response.status).toBe(400);
    expect((await response.text()).length).toBeLessThan(1_000);
  });

  it("sends the security headers with the API's answers", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  });
});

describe("project file uploads", () => {
  let server: TestServer;
  let projectId: string;
  const MAX_BYTES = 1024 * 1024;

  beforeAll(async () => {
    server = await startTestServer({
      maxProjectFileBytes: MAX_BYTES,
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, fileUploadsPerMinute: 0 },
    });
    const { body } = await graphql<{ createProject: { project: { id: string } } }>(
      server.url,
      'mutation { createProject(input: { name: "Hostile uploads" }) { project { id } } }',
    );
    projectId = body.data?.createProject.project.id ?? "";
  });
  afterAll(() => server?.close());

  const versions = () => server.db.fileVersion.count({ where: { file: { projectId } } });

  it("refuses an upload announced as 100 MB at once, without waiting for it", async () => {
    const head =
      `PUT /projects/${projectId}/files?path=big.img HTTP/1.1\r\nHost: x\r\n` +
      "Content-Type: application/octet-stream\r\nContent-Length: 104857600\r\n\r\nxx";
    const { response, closedAfterMs } = await rawRequest(server.url, head, { holdMs: 5_000 });
    console.log(
      `upload of 100 MB announced: answered and closed after ${closedAfterMs.toFixed(0)} ms`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(closedAfterMs).toBeLessThan(2_000);
    expect(await versions()).toBe(0);
  });

  it("cuts off a chunked upload that never ends at the limit, storing nothing", async () => {
    const { hostname, port } = new URL(server.url);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const { response, sent } = await new Promise<{ response: string; sent: number }>((resolve) => {
      let response = "";
      let sent = 0;
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `PUT /projects/${projectId}/files?path=endless.bin HTTP/1.1\r\nHost: x\r\n` +
            "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        const pump = () => {
          while (!socket.destroyed && sent < 100 * MAX_BYTES) {
            sent += chunk.length;
            if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`)) {
              socket.once("drain", pump);
              return;
            }
          }
        };
        pump();
      });
      socket.on("data", (data: Buffer) => (response += data.toString()));
      socket.on("error", () => undefined); // the server resets the rest of the upload
      socket.on("close", () => resolve({ response, sent }));
    });
    console.log(
      `endless upload: ${(sent / MAX_BYTES).toFixed(1)} MiB sent before the server closed`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(20 * MAX_BYTES);
    expect(await versions()).toBe(0);
  });

  it.each([
    "..%2F..%2Fetc%2Fpasswd",
    "%2Fetc%2Fshadow",
    "a%00b",
    "a%5C..%5Cb",
    `${"a%2F".repeat(300)}b`,
  ])("refuses the malformed path %s with 400", async (encoded) => {
    const response = await fetch(`${server.url}/projects/${projectId}/files?path=${encoded}`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: "x",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: "BAD_USER_INPUT", details: { field: "path" } } }],
    });
    expect(await versions()).toBe(0);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After past the GraphQL budget, per client", async () => {
    await using server = await startTestServer({
      rateLimits: { graphqlPerMinute: 5, socketsPerMinute: 1_000 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await graphql(server.url, "{ health { status } }")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"query":"{ health { status } }"}',
    });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      errors: [{ extensions: { code: "RATE_LIMITED" } }],
    });
    // Health probes are not GraphQL requests and stay answered.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("refuses WebSocket connections past the budget with 429", async () => {
    await using server = await startTestServer({
      rateLimits: { graphqlPerMinute: 1_000, socketsPerMinute: 2 },
    });
    const open = (): Promise<number> =>
      new Promise((resolve) => {
        const socket = new WebSocket(
          `${server.url.replace("http", "ws")}/graphql`,
          "graphql-transport-ws",
        );
        socket.on("open", () => {
          socket.close();
          resolve(101);
        });
        socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
        socket.on("error", () => undefined);
      });
    expect([await open(), await open(), await open()]).toEqual([101, 101, 429]);
  });

  it("limits each signed-in user on their own budget, for requests and sockets", async () => {
    await using server = await startTestServer({
      auth: { mode: "dev" },
      rateLimits: {
        graphqlPerMinute: 1_000,
        socketsPerMinute: 1_000,
        graphqlPerUserPerMinute: 3,
        socketsPerUserPerMinute: 2,
      },
    });
    const alice = await signIn(server.url, "alice");
    const bob = await signIn(server.url, "bob");
    const ask = async (cookie?: string) =>
      (await graphql(server.url, "{ me { login } }", {}, cookie ? { cookie } : {})).status;
    const statuses = [await ask(alice), await ask(alice), await ask(alice), await ask(alice)];
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The same address, another user (or nobody): their own budgets.
    expect([await ask(bob), await ask()]).toEqual([200, 200]);

    const open = (cookie: string): Promise<number> =>
      new Promise((resolve) => {
        const socket = new WebSocket(
          `${server.url.replace("http", "ws")}/graphql`,
          "graphql-transport-ws",
          { headers: { cookie } },
        );
        socket.on("open", () => {
          socket.close();
          resolve(101);
        });
        socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
        socket.on("error", () => undefined);
      });
    expect([await open(alice), await open(alice), await open(alice)]).toEqual([101, 101, 429]);
    expect(await open(bob)).toBe(101);
  });

  it("answers 429 past the budget of project file uploads", async () => {
    await using server = await startTestServer({
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, fileUploadsPerMinute: 2 },
    });
    const { body } = await graphql<{ createProject: { project: { id: string } } }>(
      server.url,
      'mutation { createProject(input: { name: "Uploads" }) { project { id } } }',
    );
    const projectId = body.data?.createProject.project.id ?? "";
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await uploadFile(server.url, projectId, `file-${i}`, "x")).status);
    }
    expect(statuses).toEqual([201, 201, 429]);
    expect(await server.db.fileVersion.count()).toBe(2);
  });

  it("keeps limits across API nodes that share Redis", async () => {
    const limits = { graphqlPerMinute: 3, socketsPerMinute: 1_000 };
    const prefix = uniquePrefix();
    await using first = await startTestServer({ rateLimits: limits, redisPrefix: prefix });
    await using second = await startTestServer({ rateLimits: limits, redisPrefix: prefix });
    const statuses = [];
    for (const node of [first, second, first, second]) {
      statuses.push((await graphql(node.url, "{ health { status } }")).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("limits membership changes per user across API nodes, with a clear error", async () => {
    const prefix = uniquePrefix();
    const options = {
      auth: { mode: "dev" as const },
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, membershipChangesPerMinute: 2 },
      redisPrefix: prefix,
    };
    await using first = await startTestServer(options);
    await using second = await startTestServer({ ...options, db: first.db });
    const owner = await signIn(first.url, "limited-owner");
    const created = await graphql<{ createProject: { project: { id: string } } }>(
      first.url,
      'mutation { createProject(input: { name: "Limited" }) { project { id } } }',
      {},
      { cookie: owner },
    );
    const projectId = created.body.data?.createProject.project.id;
    const invite = async (node: TestServer, login: string) => {
      await signIn(node.url, login);
      const { body } = await graphql(
        node.url,
        "mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { membership { role } } }",
        { input: { projectId, login, role: "VIEWER" } },
        { cookie: owner },
      );
      return body.errors?.[0] ?? "ok";
    };
    expect(await invite(first, "limited-a")).toBe("ok");
    expect(await invite(second, "limited-b")).toBe("ok");
    expect(await invite(first, "limited-c")).toMatchObject({
      message: expect.stringMatching(
        /^Too many membership changes; try again in \d+ s\.$/,
      ) as string,
      extensions: { code: "RATE_LIMITED" },
    });
    const members = await graphql<{
      project: { members: { edges: { node: { user: { login: string } } }[] } };
    }>(
      first.url,
      "query ($id: ID!) { project(id: $id) { members { edges { node { user { login } } } } } }",
      { id: projectId },
      { cookie: owner },
    );
    const logins = members.body.data?.project.members.edges.map(({ node }) => node.user.login);
    expect(logins?.sort()).toEqual(["limited-a", "limited-b", "limited-owner"]);
  });
});
