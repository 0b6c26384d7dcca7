// The built web app, served by the real server with its security headers, in headless Chromium:
// the Content-Security-Policy must let the app work and report no violation.

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBoard, createProject } from "@bbos/db";

import { buildWebApp, launchChromium } from "./web-app-in-chromium.ts";
import { startTestServer, type TestServer } from "./start-test-server.ts";

describe("web app under the Content-Security-Policy", () => {
  let web: ReturnType<typeof buildWebApp>;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    web = buildWebApp();
    server = await startTestServer({ webDist: web.dist });
    const project = await createProject(server.db, {
      slug: "csp",
      name: "CSP check",
      ownerId: server.viewer.id,
    });
    await createBoard(server.db, {
      projectId: project.id,
      name: "qemu-arm64",
      schemaId: "board-config/2",
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  it("loads, talks to the API over HTTP and WebSocket, validates a form, and violates nothing", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    // Runs in the page before its own scripts (a string: this file has no DOM types).
    await page.addInitScript({
      content: `document.addEventListener("securitypolicyviolation", (event) =>
        console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI));`,
    });

    const response = await page.goto(server.url);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
    // A project from the API (HTTP) and the server's clock (graphql-ws) both arrive.
    await page.getByText("CSP check").waitFor({ timeout: 15_000 });
    await page.locator('[title="serverTime subscription"] time').waitFor({ timeout: 15_000 });
    // The board form (Ajv computes its defaults in the browser) shows the server's verdict on
    // an edit, pushed over graphql-ws.
    await page
      .getByRole("treeitem", { name: "qemu-arm64", exact: true })
      .getByText("qemu-arm64", { exact: true })
      .click();
    await page.locator("#root_system_hostname").fill("Not_A_Host!");
    await page.locator("#root_system_hostname__error").waitFor({ timeout: 15_000 });
    expect(problems).toEqual([]);
  }, 60_000);
});
