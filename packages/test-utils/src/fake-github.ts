// A local stand-in for GitHub's OAuth app flow and the REST endpoints BBOS calls, speaking the
// same HTTP: tests sign in through it exactly as a browser would through github.com. Where
// security depends on GitHub's behaviour it behaves the same: the client secret and the
// redirect_uri are checked, a code is good for one exchange within ten minutes, and a token
// belongs to one user with the scopes that user granted. The REST API lives under /api/v3, as
// on GitHub Enterprise Server, so the same settings cover both.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeGithubUser {
  id: number;
  login: string;
  name?: string | null;
  email?: string | null;
  /** Organisations the user belongs to. */
  orgs?: readonly { login: string; public?: boolean }[];
  /** Teams as "org/team-slug". */
  teams?: readonly string[];
}

export interface FakeGithubApp {
  clientId: string;
  clientSecret: string;
  /** The app's registered callback URL; a redirect_uri must be it or a path below it. */
  callbackUrl: string;
}

export interface FakeGithub extends AsyncDisposable {
  /** Base URL of the web side (`/login/oauth/...`), like https://github.com. */
  url: string;
  /** Base URL of the REST API, like https://api.github.com. */
  apiUrl: string;
  /** Adds or replaces a user (e.g. to rename one or change their teams between logins). */
  setUser: (user: FakeGithubUser) => void;
  /** Every request the fake answered, as "METHOD /path" (no query), in order. */
  requests: string[];
  close: () => Promise<void>;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;

interface Grant {
  user: FakeGithubUser;
  scopes: string[];
  redirectUri: string;
  issuedAt: number;
}

function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** GitHub accepts a redirect_uri on the registered callback's host and port, at or below its path. */
function redirectAllowed(app: FakeGithubApp, redirectUri: string): boolean {
  let given: URL;
  try {
    given = new URL(redirectUri);
  } catch {
    return false;
  }
  const registered = new URL(app.callbackUrl);
  return (
    given.origin === registered.origin &&
    (given.pathname === registered.pathname ||
      given.pathname.startsWith(`${registered.pathname.replace(/\/$/, "")}/`))
  );
}

/**
 * Starts the fake on a free port. `GET /login/oauth/authorize` stands for the user approving
 * the app: the user named by GitHub's own `login` parameter, else `signedIn` (whoever a
 * browser is signed in to github.com as); `deny=1` stands for pressing Cancel.
 */
export async function startFakeGithub(options: {
  app: FakeGithubApp;
  users: readonly FakeGithubUser[];
  signedIn?: string;
}): Promise<FakeGithub> {
  const { app } = options;
  const users = new Map(options.users.map((user) => [user.login, user]));
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, { userId: number; scopes: string[] }>();
  const requests: string[] = [];

  const userById = (id: number) => [...users.values()].find((user) => user.id === id);
  const publicUser = (user: FakeGithubUser, base: string) => ({
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    avatar_url: `${base}/avatars/u/${user.id}`,
    html_url: `${base}/${user.login}`,
    type: "User",
    name: user.name ?? null,
    email: user.email ?? null,
  });

  function authorize(url: URL, res: ServerResponse): void {
    const query = url.searchParams;
    if (query.get("client_id") !== app.clientId) {
      res.writeHead(404, { "content-type": "text/plain" }).end("unknown client_id");
      return;
    }
    const redirectUri = query.get("redirect_uri") ?? app.callbackUrl;
    if (!redirectAllowed(app, redirectUri)) {
      // GitHub shows an error page and never redirects to an unregistered address.
      res
        .writeHead(400, { "content-type": "text/plain" })
        .end("The redirect_uri is not associated with this application.");
      return;
    }
    const back = new URL(redirectUri);
    const state = query.get("state");
    if (state !== null) back.searchParams.set("state", state);
    if (query.get("deny") === "1") {
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "The user has denied your application access.");
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    const user = users.get(query.get("login") ?? options.signedIn ?? "");
    if (!user) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such user signed in");
      return;
    }
    const code = randomBytes(10).toString("hex");
    const scopes = (query.get("scope") ?? "").split(/[ ,]+/).filter(Boolean).sort();
    codes.set(code, { user, scopes, redirectUri, issuedAt: Date.now() });
    back.searchParams.set("code", code);
    res.writeHead(302, { location: back.href }).end();
  }

  async function exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    // GitHub answers errors of this endpoint with 200 and an `error` field.
    const refuse = (error: string, description: string) =>
      json(res, 200, { error, error_description: description, error_uri: "" });
    if (form.get("client_id") !== app.clientId || form.get("client_secret") !== app.clientSecret) {
      refuse(
        "incorrect_client_credentials",
        "The client_id and/or client_secret passed are incorrect.",
      );
      return;
    }
    const code = form.get("code") ?? "";
    const grant = codes.get(code);
    codes.delete(code);
    if (!grant || Date.now() - grant.issuedAt > CODE_LIFETIME_MS) {
      refuse("bad_verification_code", "The code passed is incorrect or expired.");
      return;
    }
    const redirectUri = form.get("redirect_uri");
    if (redirectUri !== null && redirectUri !== grant.redirectUri) {
      refuse(
        "redirect_uri_mismatch",
        "The redirect_uri MUST match the registered callback URL for this application.",
      );
      return;
    }
    const token = `gho_${randomBytes(18).toString("base64url")}`;
    tokens.set(token, { userId: grant.user.id, scopes: grant.scopes });
    json(res, 200, { access_token: token, token_type: "bearer", scope: grant.scopes.join(",") });
  }

  function api(req: IncomingMessage, path: string, url: URL, res: ServerResponse): void {
    const base = `${url.protocol}//${url.host}`;
    if (path.startsWith("/users/")) {
      // Public profiles answer without a token, as on github.com.
      const wanted = users.get(decodeURIComponent(path.slice("/users/".length)));
      if (wanted) json(res, 200, publicUser(wanted, base));
      else json(res, 404, { message: "Not Found" });
      return;
    }
    const header = req.headers.authorization ?? "";
    const match = /^(?:token|bearer) (\S+)$/i.exec(header);
    const grant = match ? tokens.get(match[1] ?? "") : undefined;
    const user = grant ? userById(grant.userId) : undefined;
    if (!grant || !user) {
      json(res, 401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
      });
      return;
    }
    const scoped = { "x-oauth-scopes": grant.scopes.join(", ") };
    const readOrg = grant.scopes.includes("read:org");
    if (path === "/user") {
      json(res, 200, publicUser(user, base), scoped);
    } else if (path === "/user/orgs") {
      // Without read:org a token sees only the memberships the user made public.
      const orgs = (user.orgs ?? []).filter((org) => readOrg || org.public === true);
      json(
        res,
        200,
        orgs.map((org) => ({ login: org.login, id: org.login.length })),
        scoped,
      );
    } else if (path === "/user/teams") {
      if (!readOrg) {
        json(res, 403, { message: "Resource not accessible by integration" }, scoped);
        return;
      }
      const teams = (user.teams ?? []).map((team) => {
        const [org = "", slug = ""] = team.split("/");
        return { slug, name: slug, organization: { login: org } };
      });
      json(res, 200, teams, scoped);
    } else {
      json(res, 404, { message: "Not Found" }, scoped);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    requests.push(`${req.method} ${url.pathname}`);
    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      authorize(url, res);
    } else if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      exchange(req, res).catch(() => res.writeHead(500).end());
    } else if (req.method === "GET" && url.pathname.startsWith("/api/v3/")) {
      api(req, url.pathname.slice("/api/v3".length), url, res);
    } else {
      json(res, 404, { message: "Not Found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url,
    apiUrl: `${url}/api/v3`,
    setUser(user) {
      for (const [login, known] of users) if (known.id === user.id) users.delete(login);
      users.set(user.login, user);
    },
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
