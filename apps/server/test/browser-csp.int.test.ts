// The built web app, served by the real server with its security headers, in headless Chromium:
// the Content-Security-Policy must let the app work and report no violation.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBoard, createProject } from "@bbos/db";

import { startTestServer, type TestServer } from "./start-test-server.ts";

// scripts/test.sh installs Debian's chromium where it is missing.
const CHROMIUM = "/usr/bin/chromium";
const webDir = resolve(import.meta.dirname, "../../web");

/** The Vite CLI the web app builds with (its `bin`, which the package does not export). */
function viteCli(): string {
  const manifest = createRequire(join(webDir, "package.json")).resolve("vite/package.json");
  return join(dirname(manifest), "bin/vite.js");
}

describe("web app under the Content-Security-Policy", () => {
  const dist = mkdtempSync(join(tmpdir(), "bbos-web-"));
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    const build = spawnSync(
      process.execPath,
      [viteCli(), "build", "--outDir", dist, "--emptyOutDir"],
      { cwd: webDir, encoding: "utf8" },
    );
    if (build.status !== 0) throw new Error(`vite build failed:\n${build.stderr}`);
    server = await startTestServer({ webDist: dist });
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dist, { recursive: true, force: true });
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
    // The board form validates with Ajv in the browser as the user types.
    await page.getByRole("button", { name: "qemu-arm64" }).click();
    await page.locator("#root_system_hostname").fill("Not_A_Host!");
    await page
      .getByText(/must match pattern/)
      .first()
      .waitFor({ timeout: 15_000 });
    expect(problems).toEqual([]);
  }, 60_000);
});
