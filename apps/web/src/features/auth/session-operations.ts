// The sign-in state lives on the server (an httpOnly session cookie the page cannot read), so
// the app asks `GET /auth/session` who it is and how one signs in here.
import { queryOptions } from "@tanstack/react-query";

export interface SessionUser {
  id: string;
  login: string;
  name: string | null;
  avatarUrl: string | null;
}

/** What `GET /auth/session` answers. `signIn` is null for a single-user installation. */
export interface SessionState {
  user: SessionUser | null;
  signIn: "github" | "dev" | null;
}

const SESSION_PATH = "/auth/session";

/** The server's message from an auth route's JSON error body, or a sentence of our own. */
async function failure(response: Response, doing: string): Promise<Error> {
  try {
    const body = (await response.json()) as { errors?: { message?: string }[] };
    const message = body.errors?.[0]?.message;
    if (message) return new Error(message);
  } catch {
    // Not JSON: fall through to the status.
  }
  return new Error(`${doing} failed (HTTP ${response.status})`);
}

export const sessionQueryOptions = queryOptions({
  queryKey: ["session"],
  queryFn: async ({ signal }): Promise<SessionState> => {
    const response = await fetch(SESSION_PATH, { signal, headers: { accept: "application/json" } });
    if (!response.ok) throw await failure(response, "Asking who is signed in");
    return (await response.json()) as SessionState;
  },
  staleTime: Infinity,
});

/** Signs in through the development login; the session cookie comes with the answer. */
export async function devSignIn(login: string): Promise<void> {
  const response = await fetch("/auth/dev/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login }),
  });
  if (!response.ok) throw await failure(response, "Signing in");
}

export async function signOut(): Promise<void> {
  const response = await fetch("/auth/logout", { method: "POST" });
  if (!response.ok) throw await failure(response, "Signing out");
}

/** Where the GitHub sign-in starts; it comes back to the page the user is on. */
export function githubSignInHref(location: Pick<Location, "pathname" | "search" | "hash">): string {
  const here = `${location.pathname}${location.search}${location.hash}`;
  return `/auth/github?returnTo=${encodeURIComponent(here)}`;
}
