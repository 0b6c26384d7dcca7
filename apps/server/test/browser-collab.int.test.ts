// The built web app in headless Chromium, against the real server: two people edit one board's
// form, each sees the other's edit and presence, the edit is stored, and a viewer gets the form
// read-only. Built and driven the way browser-csp.int.test.ts does it.
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addMember, findUserByLogin, readBoardLog, type BoardRow } from "@bbos/db";

import { configFromStore } from "../src/collab/stored-document.ts";
import { createBoardWithContent } from "./collab-clients.ts";
import { graphql, signIn, startTestServer, type TestServer } from "./start-test-server.ts";
import { buildWebApp, launchChromium } from "./web-app-in-chromium.ts";

const VIEWPORT = { width: 960, height: 900 };

interface BoardPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  problems: string[];
}

describe("the board form in two browsers, bound to the board's shared document", () => {
  let web: ReturnType<typeof buildWebApp>;
  let server: TestServer;
  let browser: Browser;
  let board: BoardRow;
  const cookies: Record<string, string> = {};
  const opened: BoardPage[] = [];

  beforeAll(async () => {
    web = buildWebApp();
    // Sessions, so the two browsers are two people and presence names them.
    server = await startTestServer({ webDist: web.dist, auth: { mode: "dev" } });
    for (const login of ["alice", "bob", "carol"]) cookies[login] = await signIn(server.url, login);
    const [alice, bob, carol] = await Promise.all(
      ["alice", "bob", "carol"].map((login) => findUserByLogin(server.db, login)),
    );
    if (!alice || !bob || !carol) throw new Error("dev login created no users");
    board = await createBoardWithContent(server.db, alice);
    await addMember(server.db, board.projectId, bob.id, "EDITOR");
    await addMember(server.db, board.projectId, carol.id, "VIEWER");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map(({ context }) => context.close()));
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  /** A browser context signed in as `login`, with the board selected in the Projects panel. */
  async function openBoard(login: string): Promise<BoardPage> {
    // A context each: separate cookies, and no BroadcastChannel between them, so every edit
    // and presence state goes through the server.
    const context = await browser.newContext({ viewport: VIEWPORT });
    const cookie = cookies[login] ?? "";
    const [name, value] = [
      cookie.slice(0, cookie.indexOf("=")),
      cookie.slice(cookie.indexOf("=") + 1),
    ];
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`${login}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${login}: ${error.message}`));
    const entry = { context, page, problems };
    opened.push(entry);

    await page.goto(server.url);
    await page
      .getByRole("treeitem", { name: board.name, exact: true })
      .getByText(board.name, { exact: true })
      .click();
    // The form appears after the first sync with the server.
    await page.locator("#root_system_hostname").waitFor({ timeout: 15_000 });
    return entry;
  }

  async function storedHostname(): Promise<unknown> {
    const stored = await readBoardLog(server.db, board.id);
    if (!stored) throw new Error("board missing");
    return (configFromStore(stored).system as { hostname?: unknown } | undefined)?.hostname;
  }

  it("shows one person's edit and presence in the other's form within seconds, and stores it", async () => {
    const alice = await openBoard("alice");
    const bob = await openBoard("bob");
    for (const { page } of [alice, bob]) {
      expect(await page.locator("#root_system_hostname").inputValue()).toBe("rock5b-lab");
      await expect
        .poll(() => page.getByRole("status", { name: "Connection" }).textContent())
        .toBe("Live");
    }

    // Alice types a new hostname; the field keeps her focus, so Bob sees her editing it.
    const hostname = alice.page.locator("#root_system_hostname");
    await hostname.click();
    await hostname.fill("bench-07");
    const bobsHostname = bob.page.locator("#root_system_hostname");
    await expect.poll(() => bobsHostname.inputValue(), { timeout: 5_000 }).toBe("bench-07");

    // Bob's header shows exactly one collaborator: Alice, in the field she is editing.
    const people = bob.page
      .getByRole("list", { name: "People on this board" })
      .getByRole("listitem");
    const titles = async () =>
      Promise.all((await people.all()).map((person) => person.getAttribute("title")));
    await expect.poll(titles).toEqual(["alice, editing /system/hostname"]);
    const marked = bob.page.locator('.field-presence[data-editors="alice"]');
    await expect.poll(() => marked.locator("#root_system_hostname").count()).toBe(1);

    // Stored: in the board's update log in PostgreSQL, and in what GraphQL reports.
    await expect.poll(storedHostname, { timeout: 5_000 }).toBe("bench-07");
    const answer = await graphql<{ board: { config: { system: { hostname: string } } } }>(
      server.url,
      "query ($id: ID!) { board(id: $id) { config } }",
      { id: board.id },
      { cookie: cookies.bob ?? "" },
    );
    expect(answer.body.data?.board.config.system.hostname).toBe("bench-07");

    // And back: Bob's edit reaches Alice.
    await bob.page.locator("#root_system_timezone").fill("UTC");
    await expect
      .poll(() => alice.page.locator("#root_system_timezone").inputValue(), { timeout: 5_000 })
      .toBe("UTC");
    // Alice is still in the hostname field for the picture.
    await hostname.focus();
    await expect.poll(() => marked.count()).toBe(1);

    const path = await saveSideBySide([alice.page, bob.page], "bbos-browser-collab");
    console.log(`two-browser screenshot (alice left, bob right): ${path}`);
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  }, 90_000);

  it("gives a viewer the form disabled, with the server's read-only reason", async () => {
    const carol = await openBoard("carol");
    await expect
      .poll(() => carol.page.getByRole("note").textContent())
      .toBe("Read-only: your role in this project does not allow editing");
    expect(await carol.page.locator("#root_system_hostname").isDisabled()).toBe(true);
    // What the viewer sees is the stored board.
    expect(await carol.page.locator("#root_system_hostname").inputValue()).toBe(
      await storedHostname(),
    );
    expect(carol.problems).toEqual([]);
  }, 60_000);

  /** One PNG in the OS temp dir with the pages' screenshots side by side; returns its path. */
  async function saveSideBySide(pages: Page[], name: string): Promise<string> {
    for (const page of pages) {
      // Mid-panel, clear of the sticky header (a string: this file has no DOM types).
      await page.evaluate(
        `document.querySelector("#root_system_hostname").scrollIntoView({ block: "center" })`,
      );
    }
    const shots = await Promise.all(pages.map((page) => page.screenshot()));
    const canvas = await browser.newPage({
      viewport: {
        width: VIEWPORT.width * pages.length + 8 * (pages.length - 1),
        height: VIEWPORT.height,
      },
    });
    try {
      const images = shots
        .map((png) => `<img src="data:image/png;base64,${png.toString("base64")}">`)
        .join("");
      await canvas.setContent(
        `<body style="margin:0;display:flex;gap:8px;background:#333">${images}</body>`,
      );
      const path = join(tmpdir(), `${name}-${Date.now()}.png`);
      await canvas.screenshot({ path });
      return path;
    } finally {
      await canvas.close();
    }
  }
});
