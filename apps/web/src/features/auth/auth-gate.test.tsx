import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { AuthGate } from "./auth-gate";
import type { SessionState } from "./session-operations";
import { UserMenu } from "./user-menu";

const alice = { id: "u1", login: "alice", name: null, avatarUrl: null };

/** Stubs fetch with the auth routes of a server whose state is `session` until changed. */
function stubAuthRoutes(initial: SessionState, devLogin?: (login: string) => Response) {
  const state = { session: initial };
  // The auth routes are fetched by path, with string bodies.
  const fetchMock = vi.fn((path: string, init?: RequestInit) => {
    if (path === "/auth/session") return Promise.resolve(Response.json(state.session));
    if (path === "/auth/dev/login" && devLogin) {
      const { login } = JSON.parse(init?.body as string) as { login: string };
      return Promise.resolve(devLogin(login));
    }
    if (path === "/auth/logout") {
      state.session = { ...state.session, user: null };
      return Promise.resolve(new Response(null, { status: 204 }));
    }
    return Promise.reject(new Error(`unexpected request ${path}`));
  });
  vi.stubGlobal("fetch", fetchMock);
  return { state, fetchMock };
}

describe("AuthGate", () => {
  it("shows the workspace of a single-user installation without any sign-in", async () => {
    stubAuthRoutes({ user: { ...alice, login: "demo" }, signIn: null });
    renderWithQuery(<AuthGate>workspace</AuthGate>);
    expect(await screen.findByText("workspace")).toBeTruthy();
  });

  it("offers GitHub sign-in that comes back to the current page", async () => {
    window.history.replaceState(null, "", "/boards/7?tab=log");
    stubAuthRoutes({ user: null, signIn: "github" });
    renderWithQuery(<AuthGate>workspace</AuthGate>);
    const link = await screen.findByRole("link", { name: "Sign in with GitHub" });
    expect(link.getAttribute("href")).toBe("/auth/github?returnTo=%2Fboards%2F7%3Ftab%3Dlog");
    expect(screen.queryByText("workspace")).toBeNull();
    window.history.replaceState(null, "", "/");
  });

  it("labels the development login and signs in through it", async () => {
    const { state, fetchMock } = stubAuthRoutes({ user: null, signIn: "dev" }, (login) => {
      state.session = { user: { ...alice, login }, signIn: "dev" };
      return Response.json({ user: state.session.user });
    });
    renderWithQuery(<AuthGate>workspace</AuthGate>);
    expect(await screen.findByRole("heading", { name: "Development login" })).toBeTruthy();
    expect(screen.getByText(/anyone can sign in here under any name/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Sign in as"), { target: { value: " alice " } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("workspace")).toBeTruthy();
    const login = fetchMock.mock.calls.find(([path]) => path === "/auth/dev/login");
    expect(login?.[1]?.body).toBe(JSON.stringify({ login: "alice" }));
  });

  it("shows the server's reason when the development login refuses a name", async () => {
    stubAuthRoutes({ user: null, signIn: "dev" }, () =>
      Response.json(
        { errors: [{ message: "login must be 1–39 letters, digits or '-' (got \"a b\")" }] },
        { status: 400 },
      ),
    );
    renderWithQuery(<AuthGate>workspace</AuthGate>);
    fireEvent.change(await screen.findByLabelText("Sign in as"), { target: { value: "a b" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "login must be 1–39 letters, digits or '-' (got \"a b\")",
    );
  });

  it("says so when the server cannot be asked, and asks again on request", async () => {
    const fetchMock = vi.fn(() => Promise.reject(new TypeError("Failed to fetch")));
    vi.stubGlobal("fetch", fetchMock);
    renderWithQuery(<AuthGate>workspace</AuthGate>);
    expect((await screen.findByRole("alert")).textContent).toContain("Failed to fetch");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
  });
});

describe("UserMenu", () => {
  it("names the user, flags the development login and signs out", async () => {
    stubAuthRoutes({ user: alice, signIn: "dev" });
    renderWithQuery(
      <AuthGate>
        <UserMenu />
      </AuthGate>,
    );
    expect(await screen.findByText("alice")).toBeTruthy();
    expect(screen.getByText("Development login")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Development login" })).toBeTruthy();
  });

  it("has no sign-out in a single-user installation", async () => {
    stubAuthRoutes({ user: { ...alice, name: "Local user" }, signIn: null });
    renderWithQuery(<UserMenu />);
    expect(await screen.findByText("Local user")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Sign out" })).toBeNull();
  });
});
