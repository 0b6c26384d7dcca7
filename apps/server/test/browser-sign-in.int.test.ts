// Signing in as a person does it, in headless Chromium against the real server: through GitHub
// (a local fake speaking GitHub's HTTP, the browser "signed in to github.com" as alice) and
// through the labelled development login, then signing out. Screenshots of the sign-in pages go
// to the OS temp dir.

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort, startFakeGithub, type FakeGithub } from "@bbos/test-utils";

import { startTestServer, type TestServer } from "./start-test-server.ts";
import { buildWebApp, launchChromium, screenshot } from "./web-app-in-chromium.ts";

const VIEWPORT = { width: 1440, height: 900 };

describe("signing in to the web app", () => {
  let web: ReturnType<typeof buildWebApp>;
  let browser: Browser;

  beforeAll(async () => {
    web = buildWebApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    web?.remove();
  });

  /** A fresh browser profile on `url`, with the page's console errors collected. */
  async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(url);
    return { page, problems };
  }

  describe("with GitHub", () => {
    let github: FakeGithub;
    let server: TestServer;

    beforeAll(async () => {
      const port = await freePort();
      const app = {
        clientId: "Iv1.browser",
        clientSecret: "browser-secret",
        callbackUrl: `http://127.0.0.1:${port}/auth/github/callback`,
      };
      github = await startFakeGithub({
        app,
        users: [{ id: 2001, login: "alice", name: "Alice Liddell" }],
        signedIn: "alice",
      });
      server = await startTestServer({
        port,
        webDist: web.dist,
        auth: {
          mode: "github",
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          callbackUrl: app.callbackUrl,
          githubUrl: github.url,
          apiUrl: github.apiUrl,
          allowedOrgs: [],
          allowedTeams: [],
        },
      });
    });
    afterAll(async () => {
      await server?.close();
      await github?.close();
    });

    it("goes to GitHub and back to the page the user opened, signed in, and signs out", async () => {
      const { page, problems } = await openPage(`${server.url}/?board=42`);
      const button = page.getByRole("link", { name: "Sign in with GitHub" });
      await button.waitFor({ timeout: 15_000 });
      await screenshot(page, "sign-in-github");
      // Nothing of the workspace shows before sign-in.
      expect(await page.getByRole("button", { name: "Reset layout" }).count()).toBe(0);

      await button.click();
      await page.getByText("Alice Liddell").waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).search).toBe("?board=42");
      expect(github.requests).toEqual(
        expect.arrayContaining([
          "GET /login/oauth/authorize",
          "POST /login/oauth/access_token",
          "GET /api/v3/user",
        ]),
      );
      // The session cookie is out of the page's reach.
      expect(await page.evaluate("document.cookie")).not.toContain("bbos_session");

      await page.getByRole("button", { name: "Sign out" }).click();
      await button.waitFor({ timeout: 15_000 });
      await page.reload();
      await button.waitFor({ timeout: 15_000 });
      expect(problems).toEqual([]);
    }, 60_000);
  });

  describe("with the development login", () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer({ webDist: web.dist, auth: { mode: "dev" } });
    });
    afterAll(() => server?.close());

    it("labels it, explains a refused name, signs in and shows who is signed in", async () => {
      const { page, problems } = await openPage(server.url);
      await page.getByRole("heading", { name: "Development login" }).waitFor({ timeout: 15_000 });
      await screenshot(page, "sign-in-development");

      const login = page.getByLabel("Sign in as");
      await login.fill("not a login");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page
        .getByRole("alert")
        .getByText(/^login must be 1–39 letters/)
        .waitFor();

      await login.fill("carol");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Reset layout" }).waitFor({ timeout: 15_000 });
      await page.getByText("carol", { exact: true }).waitFor();
      // Still labelled once signed in.
      await page.getByText("Development login", { exact: true }).waitFor();
      // The refused attempt's 400 is the only console error the page logged.
      expect(problems.filter((problem) => !problem.includes("400"))).toEqual([]);
    }, 60_000);
  });
});
