// The development login and the sessions behind it, end to end: real cookies over HTTP and over
// graphql-ws, against the real server and database. Identity is one function (auth/identity.ts),
// so `me` answering the same over both transports is the proof that both ask it.
import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { capturedLog } from "./adversarial/adversarial-helpers.ts";
import {
  graphql,
  signIn,
  startTestServer,
  subscriptionClient,
  type TestServer,
} from "./start-test-server.ts";

const DAY = 24 * 60 * 60 * 1000;

type Me = { me: { id: string; login: string } | null };

async function me(url: string, cookie?: string): Promise<Me["me"]> {
  const { body } = await graphql<Me>(url, "{ me { id login } }", undefined, { cookie });
  expect(body.errors).toBeUndefined();
  return body.data?.me ?? null;
}

/**
 * Whether the server refuses `cookie` as a session that has ended or never was: 401 with one
 * message for every reason, and a Set-Cookie that drops it.
 */
async function sessionEnded(url: string, cookie: string): Promise<boolean> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ query: "{ me { id } }" }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (response.status !== 401) return false;
  expect(body.errors).toEqual([
    { message: "Your session has ended; sign in again.", extensions: { code: "UNAUTHENTICATED" } },
  ]);
  expect(response.headers.getSetCookie()[0]).toMatch(
    /^bbos_session=; Path=\/; Expires=Thu, 01 Jan 1970/,
  );
  return true;
}

/** The session row behind a `bbos_session=…` Cookie header value. */
function sessionIdOf(cookie: string): string {
  const token = cookie.slice("bbos_session=".length);
  return createHash("sha256").update(token).digest("hex");
}

function postLogin(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/auth/dev/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

function logout(url: string, cookie?: string) {
  return fetch(`${url}/auth/logout`, {
    method: "POST",
    headers: cookie === undefined ? {} : { cookie },
  });
}

describe("development login", () => {
  let server: TestServer;
  const captured = capturedLog();

  beforeAll(async () => {
    // Dozens of sign-ins in a minute from one address: the sign-in limit is github-login's test.
    server = await startTestServer({
      auth: { mode: "dev" },
      log: captured.log,
      rateLimits: { graphqlPerMinute: 600, socketsPerMinute: 60, signInsPerMinute: 0 },
    });
  });
  afterAll(() => server?.close());

  it("signs two logins in as two different users", async () => {
    const alice = await signIn(server.url, "alice");
    const bob = await signIn(server.url, "bob");
    const [asAlice, asBob] = [await me(server.url, alice), await me(server.url, bob)];
    expect(asAlice?.login).toBe("alice");
    expect(asBob?.login).toBe("bob");
    expect(asAlice?.id).not.toBe(asBob?.id);

    // Signing in again is the same user, in a second session.
    const aliceAgain = await signIn(server.url, "alice");
    expect(aliceAgain).not.toBe(alice);
    expect(await me(server.url, aliceAgain)).toEqual(asAlice);
    expect(await me(server.url, alice)).toEqual(asAlice);
    const created = await server.db.user.findUniqueOrThrow({ where: { login: "alice" } });
    expect(created.githubId).toBeNull();
  });

  it("answers me with null without a cookie, and 401 for a forged or unknown one", async () => {
    expect(await me(server.url)).toBeNull();
    const unknown = `bbos_session=${"A".repeat(43)}`;
    expect(await sessionEnded(server.url, unknown)).toBe(true);
    expect(await sessionEnded(server.url, "bbos_session=not-a-token")).toBe(true);
    expect(await sessionEnded(server.url, "bbos_session=")).toBe(true);
    // A real token's hash is what the table holds, not a token: sending it signs nobody in.
    const alice = await signIn(server.url, "alice");
    expect(await sessionEnded(server.url, `bbos_session=${sessionIdOf(alice)}`)).toBe(true);
    // Other cookies beside it change nothing.
    expect((await me(server.url, `theme=dark; ${alice}; lang=en`))?.login).toBe("alice");
  });

  it("answers the login with the user and an HttpOnly, SameSite=Lax session cookie", async () => {
    const response = await postLogin(server.url, JSON.stringify({ login: "carol" }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: { id: string; login: string } };
    expect(body).toEqual({
      user: { id: expect.any(String) as string, login: "carol", name: null, avatarUrl: null },
    });
    expect(response.headers.get("cache-control")).toBe("no-store");

    const [setCookie, ...others] = response.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(setCookie).toMatch(/^bbos_session=[A-Za-z0-9_-]{43};/);
    const attributes = (setCookie ?? "").split("; ").slice(1);
    expect(attributes).toEqual(
      expect.arrayContaining([
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        `Max-Age=${(30 * DAY) / 1000}`,
      ]),
    );
    expect(attributes).not.toContain("Secure");

    const cookie = (setCookie ?? "").split(";", 1)[0] ?? "";
    const stored = await server.db.session.findUniqueOrThrow({
      where: { id: sessionIdOf(cookie) },
    });
    expect(stored.userId).toBe(body.user.id);
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(30 * DAY);
    expect(await me(server.url, cookie)).toEqual({ id: body.user.id, login: "carol" });
  });

  it("refuses a malformed login with 400 and a clear message, creating nothing", async () => {
    const users = await server.db.user.count();
    const sessions = await server.db.session.count();
    const refusals: [string, RegExp][] = [
      [JSON.stringify({ login: "" }), /^login must be 1–39 letters, digits or '-' \(got ""\)$/],
      [JSON.stringify({ login: "a b" }), /\(got "a b"\)$/],
      [JSON.stringify({ login: "x".repeat(40) }), /\(got "x{40}"\)$/],
      [JSON.stringify({ login: "y".repeat(100) }), /\(got "y{64}"…\)$/],
      [JSON.stringify({ login: "<script>" }), /^login must be/],
      [
        JSON.stringify({ login: 42 }),
        /^request body must be JSON of the form \{"login": "alice"\}$/,
      ],
      [JSON.stringify({ name: "alice" }), /^request body must be JSON/],
      [JSON.stringify(["alice"]), /^request body must be JSON/],
    ];
    for (const [body, message] of refusals) {
      const response = await postLogin(server.url, body);
      expect(response.status, body).toBe(400);
      const answer = (await response.json()) as {
        errors: { message: string; extensions: { code: string } }[];
      };
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]?.message).toMatch(message);
      expect(answer.errors[0]?.extensions.code).toBe("BAD_USER_INPUT");
      expect(response.headers.getSetCookie()).toEqual([]);
    }

    const notJson = await postLogin(server.url, "login=alice", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(notJson.status).toBe(400);
    // Not JSON, or JSON that is not an object or array, fails in the body parser.
    for (const body of ["{login", "null", '"alice"']) {
      const malformed = await postLogin(server.url, body);
      expect(malformed.status, body).toBe(400);
      expect(await malformed.json()).toMatchObject({
        errors: [{ message: expect.stringMatching(/^request body is not valid JSON/) as string }],
      });
    }
    const oversized = await postLogin(
      server.url,
      JSON.stringify({ login: "z", pad: "p".repeat(2048) }),
    );
    expect(oversized.status).toBe(413);

    expect(await server.db.user.count()).toBe(users);
    expect(await server.db.session.count()).toBe(sessions);
  });

  it("ends the session at logout and clears the cookie", async () => {
    const dave = await signIn(server.url, "dave");
    expect((await me(server.url, dave))?.login).toBe("dave");

    const response = await logout(server.url, dave);
    expect(response.status).toBe(204);
    const [cleared] = response.headers.getSetCookie();
    expect(cleared).toMatch(/^bbos_session=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;/);
    expect(await sessionEnded(server.url, dave)).toBe(true);
    expect(await server.db.session.findUnique({ where: { id: sessionIdOf(dave) } })).toBeNull();

    // Logging out again, or without a session, is not an error.
    expect((await logout(server.url, dave)).status).toBe(204);
    expect((await logout(server.url)).status).toBe(204);
  });

  it("replaces the session a request signs in with, so an old or planted token stops working", async () => {
    const first = await signIn(server.url, "erin");
    const second = await signIn(server.url, "erin", { cookie: first });
    expect(second).not.toBe(first);
    expect(await sessionEnded(server.url, first)).toBe(true);
    expect((await me(server.url, second))?.login).toBe("erin");

    // Session fixation: a token planted in a victim's browser is replaced when the victim signs
    // in, so the attacker holding it never becomes the victim.
    const planted = await signIn(server.url, "mallory");
    const victim = await signIn(server.url, "victim", { cookie: planted });
    expect(await sessionEnded(server.url, planted)).toBe(true);
    expect((await me(server.url, victim))?.login).toBe("victim");
  });

  it("ends a session after seven idle days or thirty days in all", async () => {
    const idle = await signIn(server.url, "frank");
    expect((await me(server.url, idle))?.login).toBe("frank");
    await server.db.session.update({
      where: { id: sessionIdOf(idle) },
      data: { lastSeenAt: new Date(Date.now() - 7 * DAY - 1000) },
    });
    expect(await sessionEnded(server.url, idle)).toBe(true);

    const old = await signIn(server.url, "frank");
    await server.db.session.update({
      where: { id: sessionIdOf(old) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await sessionEnded(server.url, old)).toBe(true);

    // The next sign-in sweeps both away.
    await signIn(server.url, "frank");
    const left = await server.db.session.findMany({
      where: { id: { in: [sessionIdOf(idle), sessionIdOf(old)] } },
    });
    expect(left).toEqual([]);
  });

  it("keeps an active session alive, writing lastSeenAt at most once a minute", async () => {
    const grace = await signIn(server.url, "grace");
    const where = { id: sessionIdOf(grace) };
    const seen = async () => (await server.db.session.findUniqueOrThrow({ where })).lastSeenAt;

    const recently = new Date(Date.now() - 10_000);
    await server.db.session.update({ where, data: { lastSeenAt: recently } });
    await me(server.url, grace);
    expect(await seen()).toEqual(recently);

    // Six idle days: still signed in, and seen now, so the idle time starts again.
    const before = Date.now();
    await server.db.session.update({ where, data: { lastSeenAt: new Date(before - 6 * DAY) } });
    expect((await me(server.url, grace))?.login).toBe("grace");
    expect((await seen()).getTime()).toBeGreaterThanOrEqual(before);
  });

  it("sees the same user over graphql-ws as over HTTP", async () => {
    const heidi = await signIn(server.url, "heidi");
    const run = async (cookie?: string) => {
      const client = subscriptionClient(server.url, { cookie });
      try {
        const result = await client.iterate<Me>({ query: "{ me { id login } }" }).next();
        return result.value as { data?: Me; errors?: unknown };
      } finally {
        await client.dispose();
      }
    };
    const overSocket = await run(heidi);
    expect(overSocket.errors).toBeUndefined();
    expect(overSocket.data?.me).toEqual(await me(server.url, heidi));
    expect(overSocket.data?.me?.login).toBe("heidi");
    expect((await run()).data?.me).toBeNull();
    await expect(run("bbos_session=" + "B".repeat(43))).rejects.toMatchObject({ code: 4403 });

    await logout(server.url, heidi);
    await expect(run(heidi)).rejects.toMatchObject({ code: 4403 });
  });

  it("keeps session tokens out of the request log", async () => {
    const ivan = await signIn(server.url, "ivan");
    await me(server.url, ivan);
    await logout(server.url, ivan);
    const token = ivan.slice("bbos_session=".length);
    expect(captured.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(captured.lines)).not.toContain(token);
  });
});

describe("development login settings", () => {
  it("follows the configured maximum age, idle time and Secure flag", async () => {
    await using server = await startTestServer({
      auth: { mode: "dev", sessionMaxAgeMs: 60_000, sessionIdleMs: 5_000, secureCookies: true },
    });
    const response = await postLogin(server.url, JSON.stringify({ login: "judy" }));
    const [setCookie] = response.headers.getSetCookie();
    expect((setCookie ?? "").split("; ")).toEqual(
      expect.arrayContaining(["Max-Age=60", "Secure", "HttpOnly", "SameSite=Lax"]),
    );
    // Node's fetch keeps no cookie jar, so a Secure cookie can be sent back over http:// here.
    const cookie = (setCookie ?? "").split(";", 1)[0] ?? "";
    expect((await me(server.url, cookie))?.login).toBe("judy");
    await server.db.session.update({
      where: { id: sessionIdOf(cookie) },
      data: { lastSeenAt: new Date(Date.now() - 5_001) },
    });
    expect(await sessionEnded(server.url, cookie)).toBe(true);
  });
});

describe("local mode", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("has no development login", async () => {
    const response = await postLogin(server.url, JSON.stringify({ login: "alice" }));
    expect(response.status).toBe(404);
    expect(await server.db.user.findUnique({ where: { login: "alice" } })).toBeNull();
  });

  it("acts as the local user with or without a cookie, and logout changes nothing", async () => {
    expect((await me(server.url))?.login).toBe("tester");
    expect((await me(server.url, `bbos_session=${"C".repeat(43)}`))?.login).toBe("tester");
    const response = await logout(server.url);
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await me(server.url))?.login).toBe("tester");
  });
});
