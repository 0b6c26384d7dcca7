// The whole workspace in headless Chromium against the real server, a real build worker with
// the Docker engine, PostgreSQL and Redis: create a project and a board from the Explorer, see
// an invalid value refused inline, save a version, build it, follow the live log across a
// reload, download the image and check its SHA-256, and audit the main panels with axe-core.
// The run saves a screenshot of each main panel and prints where.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  ensureTestBuilderImage,
  startBuildInstallation,
  type BuildInstallation,
} from "./build-harness.ts";
import { signIn, subscriptionClient } from "./start-test-server.ts";
import { TICKER_LINES } from "./test-recipes.ts";
import { buildWebApp, launchChromium } from "./web-app-in-chromium.ts";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const screenshots = join(tmpdir(), `bbos-workspace-screens-${Date.now()}`);

describe("the workspace in a browser, from a new board to a downloaded, checked image", () => {
  let web: ReturnType<typeof buildWebApp>;
  let installation: BuildInstallation;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  let url: string;

  beforeAll(async () => {
    await ensureTestBuilderImage();
    web = buildWebApp();
    installation = await startBuildInstallation({
      server: { webDist: web.dist, auth: { mode: "dev" } },
    });
    url = installation.server.url;
    browser = await launchChromium();
    mkdirSync(screenshots, { recursive: true });
  }, 600_000);
  afterAll(async () => {
    await Promise.allSettled(contexts.map((context) => context.close()));
    await browser?.close();
    await installation?.close();
    web?.remove();
  });

  /** A signed-in page of its own (cookies, storage) at `path`. */
  async function openAs(login: string, path = "/", viewport = DESKTOP): Promise<Page> {
    const cookie = await signIn(url, login);
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    contexts.push(context);
    const separator = cookie.indexOf("=");
    await context.addCookies([
      { name: cookie.slice(0, separator), value: cookie.slice(separator + 1), url },
    ]);
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`${login}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${login}: ${error.message}`));
    await page.goto(`${url}${path}`);
    return page;
  }

  async function shoot(page: Page, name: string): Promise<void> {
    const path = join(screenshots, `${name}.png`);
    await page.screenshot({ path });
    console.log(`screenshot ${name}: ${path}`);
  }

  /** Shows a panel through the workspace's "Open panel" menu. */
  async function showPanel(page: Page, name: string): Promise<void> {
    await page.getByRole("combobox", { name: "Open panel" }).selectOption({ label: name });
  }

  async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
    const result = await new AxeBuilder({ page }).analyze();
    return result.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.nodes
            .slice(0, 3)
            .map((node) => node.target.join(" "))
            .join(", ")}`,
      );
  }

  let boardId: string;

  it("creates a project and a board from the Explorer, with the board picker", async () => {
    const page = await openAs("alice");
    const explorer = page.getByRole("region", { name: "Explorer" });
    await explorer.getByRole("button", { name: "New project" }).click();
    await explorer.getByLabel("Project name").fill("Gateway lab");
    await explorer.getByRole("button", { name: "Create project" }).click();

    await explorer.getByRole("button", { name: "New board in Gateway lab" }).click();
    await explorer.getByLabel("Board name").fill("gw-01");
    await explorer.getByRole("searchbox").fill("qemu arm64");
    // The search narrows the 30-odd catalogue boards to the QEMU arm64 machine.
    const choices = explorer.getByRole("radio");
    await expect.poll(() => choices.count()).toBe(1);
    await choices.first().check();
    await shoot(page, "explorer-new-board");
    await explorer.getByRole("button", { name: "Create board" }).click();

    // The new board opens in the editor, and the address names it.
    await page.locator("#root_system_hostname").waitFor({ timeout: 15_000 });
    boardId = new URL(page.url()).searchParams.get("board") ?? "";
    expect(boardId).not.toBe("");
    await page.close();
  }, 60_000);

  it("shows an invalid value's error beside the field and in Validation, and blocks saving", async () => {
    const page = await openAs("alice", `/?board=${boardId}`);
    const hostname = page.locator("#root_system_hostname");
    await hostname.waitFor({ timeout: 15_000 });
    const save = page.getByRole("button", { name: "Save version" });
    await expect.poll(() => save.isEnabled(), { timeout: 10_000 }).toBe(true);

    await hostname.fill("Not_A_Host!");
    // The server's verdict arrives over graphql-ws and lands beside the field.
    const fieldError = page.locator("#root_system_hostname__error");
    await expect.poll(() => fieldError.textContent(), { timeout: 10_000 }).toMatch(/\S/);
    expect(await save.isDisabled()).toBe(true);

    await showPanel(page, "Validation");
    const validation = page.getByRole("region", { name: "Validation" });
    await expect.poll(() => validation.getByRole("status").textContent()).toMatch(/1 error/);
    await shoot(page, "validation-error");
    // Choosing the issue takes the editor to the field.
    await hostname.blur();
    await validation.getByRole("button", { name: /system\/hostname/ }).click();
    await expect
      .poll(() => page.evaluate("document.activeElement && document.activeElement.id"))
      .toBe("root_system_hostname");

    await hostname.fill("gw-01");
    await expect.poll(() => save.isEnabled(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => fieldError.count()).toBe(0);
    await page.close();
  }, 60_000);

  let buildId: string;

  it("saves a version, builds it and follows the live log across a reload, without gaps", async () => {
    const page = await openAs("alice", `/?board=${boardId}`);
    await page.locator("#root_system_hostname").waitFor({ timeout: 15_000 });
    await page.getByLabel("Version message").fill("First bring-up");
    await page
      .getByRole("combobox", { name: "Recipe" })
      .selectOption({ label: "Ticker test recipe" });
    await page.getByRole("button", { name: "Build", exact: true }).click();

    // The build opens; its log streams in while it runs.
    await expect
      .poll(() => new URL(page.url()).searchParams.get("build"), { timeout: 10_000 })
      .toMatch(/\S/);
    buildId = new URL(page.url()).searchParams.get("build") ?? "";
    const detail = page.getByRole("region", { name: "Build", exact: true });
    await detail
      .getByText(/tick \d+/)
      .first()
      .waitFor({ timeout: 60_000 });
    await shoot(page, "build-detail-running");

    // Reload mid-build: the same build opens from the address and its log goes on.
    await page.reload();
    const reloaded = page.getByRole("region", { name: "Build", exact: true });
    await reloaded
      .getByText(/succeeded/i)
      .first()
      .waitFor({ timeout: 120_000 });
    const lines = await buildLogLines();
    const ticks = lines.filter((text) => /^tick \d+$/.test(text));
    expect(ticks).toEqual(Array.from({ length: TICKER_LINES }, (_, i) => `tick ${i + 1}`));
    // The page holds exactly the build's lines, each once, and follows them to the last.
    const logStatus = reloaded.getByRole("status", { name: "Log status" });
    await expect
      .poll(() => logStatus.textContent(), { timeout: 10_000 })
      .toBe(`${lines.length.toLocaleString("en-US")} lines. Log complete.`);
    expect(await reloaded.getByText(`tick ${TICKER_LINES}`, { exact: true }).count()).toBe(1);
    await shoot(page, "build-detail-succeeded");

    await showPanel(page, "Versions");
    const versions = page.getByRole("region", { name: "Versions" });
    await versions.getByText("First bring-up").waitFor();
    await shoot(page, "versions");
    await page.close();
  }, 240_000);

  /** The build's whole log as the API streams it (it completes: the build has ended). */
  async function buildLogLines(): Promise<string[]> {
    const client = subscriptionClient(url, { cookie: await signIn(url, "alice") });
    const lines: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        client.subscribe<{ buildLog: { text: string } }>(
          {
            query: "subscription ($id: ID!) { buildLog(buildId: $id) { text } }",
            variables: { id: buildId },
          },
          {
            next: ({ data }) => {
              if (data) lines.push(data.buildLog.text);
            },
            error: (error) => reject(new Error(JSON.stringify(error))),
            complete: resolve,
          },
        );
      });
    } finally {
      await client.dispose();
    }
    return lines;
  }

  it("downloads the image from Artifacts, whose SHA-256 is the one shown", async () => {
    const page = await openAs("alice", `/?board=${boardId}&build=${buildId}`);
    await showPanel(page, "Artifacts");
    const artifacts = page.getByRole("region", { name: "Artifacts" });
    const image = artifacts.getByRole("row", { name: /ticker\.img\.zst|ticker\.img/ }).first();
    await image.waitFor({ timeout: 15_000 });
    await artifacts.getByText("sha256sum -c").first().waitFor();
    await shoot(page, "artifacts");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      image.getByRole("link", { name: /download/i }).click(),
    ]);
    const path = await download.path();
    const digest = createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
    expect(await image.textContent()).toContain(digest);
    await page.close();
  }, 60_000);

  it("has no serious or critical accessibility violations on the main panels", async () => {
    const page = await openAs("alice", `/?board=${boardId}&build=${buildId}`);
    await page.locator("#root_system_hostname").waitFor({ timeout: 15_000 });
    const found: string[] = [];
    for (const panel of ["Validation", "Versions", "Builds", "Artifacts", "Activity"]) {
      await showPanel(page, panel);
      found.push(...(await seriousAccessibilityViolations(page)).map((v) => `${panel}: ${v}`));
    }
    await shoot(page, "workspace");
    expect(found).toEqual([]);
    await page.close();
  }, 120_000);

  it("fits a phone: every panel gets the whole width", async () => {
    const page = await openAs("bob-phone", "/", PHONE);
    await page.getByText("Open a board from the Explorer to start editing.").waitFor({
      timeout: 15_000,
    });
    await shoot(page, "phone");
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
