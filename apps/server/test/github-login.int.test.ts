// GitHub sign-in end to end: the whole redirect flow a browser follows, between the real server
// and database and a local fake GitHub that speaks GitHub's HTTP (authorize, access_token, the
// REST API under /api/v3 as on GitHub Enterprise Server). Redirects are followed by hand, so
// every hop's status, Location and cookies are checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort, startFakeGithub, type FakeGithub, type FakeGithubUser } from "@bbos/test-utils";

import type { GithubAuthOptions } from "../src/auth/auth-options.ts";
import { safeReturnTo } from "../src/auth/github-login.ts";
import { capturedLog } from "./adversarial/adversarial-helpers.ts";
import { graphql, startTestServer, type TestServer } from "./start-test-server.ts";

const alice: FakeGithubUser = {
  id: 1001,
  login: "alice",
  name: "Alice Liddell",
  email: "alice@example.com",
  orgs: [{ login: "acme" }],
};
const bob: FakeGithubUser = { id: 1002, login: "bob", teams: ["partner/firmware"] };
const eve: FakeGithubUser = {
  id: 1003,
  login: "eve",
  orgs: [{ login: "elsewhere", public: true }],
};

/** The name=value pair of the Set-Cookie line for `name`, and its attributes. */
function cookieFrom(response: Response, name: string) {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  if (!line) return null;
  const [pair = "", ...attributes] = line.split("; ");
  return { pair, value: pair.slice(name.length + 1), attributes };
}

function get(url: string, cookie?: string): Promise<Response> {
  return fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
}

async function me(server: TestServer, cookie: string) {
  const { body } = await graphql<{ me: { login: string; name: string | null } | null }>(
    server.url,
    "{ me { login name } }",
    undefined,
    { cookie },
  );
  return body.data?.me ?? null;
}

/** The first two hops: BBOS sends the browser to GitHub, GitHub (as `login`) sends it back. */
async function startFlow(server: TestServer, login: string, returnTo?: string) {
  const query = returnTo === undefined ? "" : `?returnTo=${encodeURIComponent(returnTo)}`;
  const start = await get(`${server.url}/auth/github${query}`);
  expect(start.status).toBe(302);
  const state = cookieFrom(start, "bbos_oauth_state");
  expect(state).not.toBeNull();
  const authorize = new URL(start.headers.get("location") ?? "");
  authorize.searchParams.set("login", login);
  const approved = await get(authorize.href);
  expect(approved.status).toBe(302);
  return {
    authorize,
    stateCookie: state?.pair ?? "",
    stateAttributes: state?.attributes ?? [],
    callback: approved.headers.get("location") ?? "",
  };
}

/** The whole flow; the callback's response, and the session cookie it set (or null). */
async function signInWithGithub(server: TestServer, login: string, returnTo?: string) {
  const flow = await startFlow(server, login, returnTo);
  const response = await get(flow.callback, flow.stateCookie);
  return { ...flow, response, session: cookieFrom(response, "bbos_session") };
}

describe("GitHub sign-in", () => {
  let github: FakeGithub;
  let server: TestServer;
  let options: GithubAuthOptions;
  const captured = capturedLog();

  beforeAll(async () => {
    const port = await freePort();
    const app = {
      clientId: "Iv1.bbos-test",
      clientSecret: "test-client-secret",
      callbackUrl: `http://127.0.0.1:${port}/auth/github/callback`,
    };
    github = await startFakeGithub({ app, users: [alice, bob, eve] });
    options = {
      mode: "github",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      callbackUrl: app.callbackUrl,
      githubUrl: github.url,
      apiUrl: github.apiUrl,
      allowedOrgs: [],
      allowedTeams: [],
    };
    server = await startTestServer({ auth: options, port, log: captured.log });
  });
  afterAll(async () => {
    await server?.close();
    await github?.close();
  });

  it("signs a GitHub user in through the whole redirect flow", async () => {
    const { authorize, stateCookie, stateAttributes, response, session } = await signInWithGithub(
      server,
      "alice",
      "/boards/42?tab=log",
    );
    // What BBOS asked GitHub for: its app, its registered callback, the least scope, a state.
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${github.url}/login/oauth/authorize`);
    expect(authorize.searchParams.get("client_id")).toBe("Iv1.bbos-test");
    expect(authorize.searchParams.get("redirect_uri")).toBe(options.callbackUrl);
    expect(authorize.searchParams.get("scope")).toBe("read:user");
    const state = authorize.searchParams.get("state") ?? "";
    expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // The state cookie holds the same nonce, for this flow's paths only, briefly.
    expect(decodeURIComponent(stateCookie)).toContain(state);
    expect(stateAttributes).toEqual(
      expect.arrayContaining(["Path=/auth/github", "HttpOnly", "SameSite=Lax", "Max-Age=600"]),
    );

    // Back at BBOS: signed in, sent where the user was going, the state cookie spent.
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/boards/42?tab=log");
    expect(cookieFrom(response, "bbos_oauth_state")?.value).toBe("");
    expect(session?.attributes).toEqual(
      expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/"]),
    );
    expect(session?.attributes).not.toContain("Secure");
    expect(await me(server, session?.pair ?? "")).toEqual({
      login: "alice",
      name: "Alice Liddell",
    });

    const stored = await server.db.user.findUniqueOrThrow({ where: { login: "alice" } });
    expect(stored).toMatchObject({ githubId: 1001n, email: "alice@example.com" });
    expect(stored.avatarUrl).toBe(`${github.url}/avatars/u/1001`);

    const answer = await fetch(`${server.url}/auth/session`, {
      headers: { cookie: session?.pair ?? "" },
    });
    expect(await answer.json()).toEqual({
      user: { id: stored.id, login: "alice", name: "Alice Liddell", avatarUrl: stored.avatarUrl },
      signIn: "github",
    });
  });

  it("refuses a callback whose state is missing or belongs to another browser, with 403", async () => {
    const before = github.requests.filter((line) => line.endsWith("/access_token")).length;
    const sessions = await server.db.session.count();

    const flow = await startFlow(server, "alice");
    // No state cookie: the flow was not started in this browser (or a link was planted).
    const noCookie = await get(flow.callback);
    expect(noCookie.status).toBe(403);
    expect(await noCookie.text()).toContain("was not started in this browser");
    // Another browser's state cookie: an attacker's callback URL in a victim's browser.
    const other = await startFlow(server, "eve");
    const mismatch = await get(flow.callback, other.stateCookie);
    expect(mismatch.status).toBe(403);
    expect(await mismatch.text()).toContain("state does not match");
    // A forged state cookie with the URL's own nonce is refused too: the cookie must parse.
    expect((await get(flow.callback, "bbos_oauth_state=garbage")).status).toBe(403);

    for (const refused of [noCookie, mismatch]) {
      expect(cookieFrom(refused, "bbos_session")).toBeNull();
    }
    // The codes were never exchanged, and nobody was signed in.
    expect(github.requests.filter((line) => line.endsWith("/access_token")).length).toBe(before);
    expect(await server.db.session.count()).toBe(sessions);
  });

  it("uses a code once: replaying a callback signs nobody in", async () => {
    const flow = await startFlow(server, "bob");
    const first = await get(flow.callback, flow.stateCookie);
    expect(first.status).toBe(303);
    // Someone who kept both the callback URL and the state cookie tries again.
    const replay = await get(flow.callback, flow.stateCookie);
    expect(replay.status).toBe(502);
    expect(await replay.text()).toContain("GitHub did not complete the sign-in");
    expect(cookieFrom(replay, "bbos_session")).toBeNull();
  });

  it("says so when the user cancels on GitHub", async () => {
    const start = await get(`${server.url}/auth/github`);
    const authorize = new URL(start.headers.get("location") ?? "");
    authorize.searchParams.set("deny", "1");
    const back = await get(authorize.href);
    const denied = await get(
      back.headers.get("location") ?? "",
      cookieFrom(start, "bbos_oauth_state")?.pair,
    );
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain("The user has denied your application access.");
    expect(cookieFrom(denied, "bbos_session")).toBeNull();
  });

  it("returns only to paths on this server", async () => {
    for (const target of [
      "//evil.example/x",
      "https://evil.example",
      "/\\evil.example",
      "boards",
    ]) {
      const { response } = await signInWithGithub(server, "alice", target);
      expect(response.headers.get("location"), target).toBe("/");
    }
    expect(safeReturnTo("/boards/1#log")).toBe("/boards/1#log");
    expect(safeReturnTo("/a b")).toBe("/");
    expect(safeReturnTo(["/x"])).toBe("/");
  });

  it("follows a GitHub rename to the same user, by GitHub id", async () => {
    const first = await signInWithGithub(server, "eve");
    const before = await server.db.user.findUniqueOrThrow({ where: { githubId: 1003n } });
    github.setUser({ ...eve, login: "eve-renamed" });
    const second = await signInWithGithub(server, "eve-renamed");
    expect(await me(server, second.session?.pair ?? "")).toMatchObject({ login: "eve-renamed" });
    const after = await server.db.user.findUniqueOrThrow({ where: { githubId: 1003n } });
    expect(after.id).toBe(before.id);
    // The first session still belongs to the same person.
    expect(await me(server, first.session?.pair ?? "")).toMatchObject({ login: "eve-renamed" });
    github.setUser(eve);
  });

  it("invites by GitHub login, and the invitee finds the project at their first sign-in", async () => {
    github.setUser({ id: 1004, login: "carol", name: "Carol" });
    const owner = (await signInWithGithub(server, "alice")).session?.pair ?? "";
    const created = await graphql<{ createProject: { project: { id: string } } }>(
      server.url,
      'mutation { createProject(input: { name: "Invited" }) { project { id } } }',
      undefined,
      { cookie: owner },
    );
    const projectId = created.body.data?.createProject.project.id ?? "";
    const invite = (login: string) =>
      graphql(
        server.url,
        "mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { membership { role user { login name } } } }",
        { input: { projectId, login, role: "EDITOR" } },
        { cookie: owner },
      );
    expect((await invite("carol")).body).toEqual({
      data: {
        inviteMember: { membership: { role: "EDITOR", user: { login: "carol", name: "Carol" } } },
      },
    });
    // Recorded under GitHub's id before carol ever signed in.
    const recorded = await server.db.user.findUniqueOrThrow({ where: { login: "carol" } });
    expect(recorded).toMatchObject({ githubId: 1004n, lastLoginAt: null });

    const unknown = await invite("no-such-person");
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'There is no GitHub user "no-such-person".',
      extensions: { code: "NOT_FOUND" },
    });

    const carol = (await signInWithGithub(server, "carol")).session?.pair ?? "";
    const seen = await graphql<{ project: { role: string } | null }>(
      server.url,
      "query ($id: ID!) { project(id: $id) { role } }",
      { id: projectId },
      { cookie: carol },
    );
    expect(seen.body.data?.project?.role).toBe("EDITOR");
    expect(await server.db.user.count({ where: { githubId: 1004n } })).toBe(1);
  });

  it("has no development login beside it", async () => {
    const response = await fetch(`${server.url}/auth/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "alice" }),
    });
    expect(response.status).toBe(404);
  });

  it("ends the session at logout", async () => {
    const { session } = await signInWithGithub(server, "alice");
    const cookie = session?.pair ?? "";
    expect(await me(server, cookie)).not.toBeNull();
    const out = await fetch(`${server.url}/auth/logout`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(204);
    expect(await me(server, cookie)).toBeNull();
  });

  describe("with an organisation and team allowlist", () => {
    let guarded: TestServer;
    let guardedGithub: FakeGithub;

    beforeAll(async () => {
      const port = await freePort();
      const app = {
        clientId: "Iv1.guarded",
        clientSecret: "guarded-secret",
        callbackUrl: `http://127.0.0.1:${port}/auth/github/callback`,
      };
      guardedGithub = await startFakeGithub({ app, users: [alice, bob, eve] });
      guarded = await startTestServer({
        port,
        auth: {
          ...options,
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          callbackUrl: app.callbackUrl,
          githubUrl: guardedGithub.url,
          apiUrl: guardedGithub.apiUrl,
          allowedOrgs: ["ACME"],
          allowedTeams: ["partner/firmware"],
          secureCookies: true,
        },
      });
    });
    afterAll(async () => {
      await guarded?.close();
      await guardedGithub?.close();
    });

    it("asks for read:org and admits members of an allowed organisation or team", async () => {
      // alice's acme membership is private: only a read:org token can see it.
      const asAlice = await signInWithGithub(guarded, "alice");
      expect(asAlice.authorize.searchParams.get("scope")).toBe("read:user,read:org");
      expect(asAlice.response.status).toBe(303);
      expect(asAlice.session?.attributes).toContain("Secure");
      const asBob = await signInWithGithub(guarded, "bob");
      expect(asBob.response.status).toBe(303);
    });

    it("refuses everyone else with 403 and a reason, creating no user", async () => {
      const { response, session } = await signInWithGithub(guarded, "eve");
      expect(response.status).toBe(403);
      expect(await response.text()).toContain(
        "eve is not a member of an organisation or team allowed to use this BBOS installation",
      );
      expect(session).toBeNull();
      expect(await guarded.db.user.findUnique({ where: { githubId: 1003n } })).toBeNull();
    });

    it("checks again at every sign-in", async () => {
      expect((await signInWithGithub(guarded, "bob")).response.status).toBe(303);
      guardedGithub.setUser({ ...bob, teams: [] });
      expect((await signInWithGithub(guarded, "bob")).response.status).toBe(403);
      guardedGithub.setUser(bob);
    });
  });

  it("fails clearly when the app's client secret is wrong, logging why", async () => {
    const port = await freePort();
    await using wrong = await startTestServer({
      port,
      log: captured.log,
      auth: {
        ...options,
        callbackUrl: `http://127.0.0.1:${port}/auth/github/callback`,
        clientSecret: "not-the-secret",
      },
    });
    // The fake's app registers the first server's callback; this one's must be accepted too.
    const start = await get(`${wrong.url}/auth/github`);
    const authorize = new URL(start.headers.get("location") ?? "");
    authorize.searchParams.set("login", "alice");
    authorize.searchParams.set("redirect_uri", options.callbackUrl);
    const back = new URL((await get(authorize.href)).headers.get("location") ?? "");
    const callback = `${wrong.url}/auth/github/callback${back.search}`;
    const response = await get(callback, cookieFrom(start, "bbos_oauth_state")?.pair);
    expect(response.status).toBe(502);
    expect(await response.text()).toContain("GitHub app settings may be wrong");
    expect(captured.aboveInfo()).toContainEqual(
      expect.stringMatching(/^github sign-in failed: Failed to obtain access token/),
    );
    // The secret itself is never written to the log.
    expect(JSON.stringify(captured.lines)).not.toContain("not-the-secret");
  });

  it("limits sign-in attempts per address", async () => {
    const port = await freePort();
    await using limited = await startTestServer({
      port,
      rateLimits: { graphqlPerMinute: 600, socketsPerMinute: 60, signInsPerMinute: 3 },
      auth: { ...options, callbackUrl: `http://127.0.0.1:${port}/auth/github/callback` },
    });
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await get(`${limited.url}/auth/github`)).status);
    }
    expect(statuses).toEqual([302, 302, 302, 429]);
    // The callback counts too: a flood of forged callbacks is throttled the same way.
    expect((await get(`${limited.url}/auth/github/callback?code=x&state=y`)).status).toBe(429);
  });
});
