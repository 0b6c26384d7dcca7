// The built web app in headless Chromium, against the real server: an editor uploads a file to
// a project through the Explorer's native file picker, sees it listed under the project's
// files, and the server holds exactly those bytes. Built and driven as browser-collab.int.test.ts.
import { createHash } from "node:crypto";

import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { graphql, signIn, startTestServer, type TestServer } from "./start-test-server.ts";
import { buildWebApp, launchChromium, screenshot } from "./web-app-in-chromium.ts";

interface FilesAnswer {
  project: {
    files: {
      edges: { node: { path: string; latestVersion: { number: number; sha256: string } } }[];
    };
  };
}

describe("project files in the browser", () => {
  let web: ReturnType<typeof buildWebApp>;
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let cookie: string;
  let projectId: string;
  const projectName = `Files ${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    web = buildWebApp();
    server = await startTestServer({ webDist: web.dist, auth: { mode: "dev" } });
    cookie = await signIn(server.url, "alice");
    const created = await graphql<{ createProject: { project: { id: string } } }>(
      server.url,
      "mutation ($name: String!) { createProject(input: { name: $name }) { project { id } } }",
      { name: projectName },
      { cookie },
    );
    projectId = created.body.data?.createProject.project.id ?? "";
    if (!projectId) throw new Error(JSON.stringify(created.body.errors));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 960, height: 900 } });
    const separator = cookie.indexOf("=");
    await context.addCookies([
      { name: cookie.slice(0, separator), value: cookie.slice(separator + 1), url: server.url },
    ]);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  it("uploads a file chosen in the picker to the path typed, lists it, and stores its bytes", async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(server.url);

    const project = page.getByRole("treeitem", { name: projectName, exact: true });
    const group = project.getByRole("treeitem", { name: "Project files", exact: true });
    await group.getByText("Project files", { exact: true }).click();
    await expect.poll(() => group.getByText("No files uploaded").count()).toBe(1);

    // The visible button opens the browser's own file picker.
    const bytes = Buffer.from("Welcome to the lab gateway.\n");
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: `Upload file to ${projectName}` }).click();
    await (await chooser).setFiles({ name: "motd", mimeType: "text/plain", buffer: bytes });

    const form = page.getByRole("form", { name: "Upload motd" });
    const path = form.getByLabel("Path in project");
    expect(await path.inputValue()).toBe("motd");
    await path.fill("overlays/etc/motd");
    await screenshot(page, "files-upload-form");
    await form.getByRole("button", { name: "Upload" }).click();

    // Listed by path, with its version and size, once the upload is stored.
    const entry = group.getByRole("treeitem", { name: "overlays/etc/motd", exact: true });
    await entry.waitFor({ timeout: 10_000 });
    expect(await entry.textContent()).toContain(`v1 · ${bytes.length} B`);
    expect(await form.count()).toBe(0);
    await screenshot(page, "files-uploaded");

    const answer = await graphql<FilesAnswer>(
      server.url,
      "query ($id: ID!) { project(id: $id) { files { edges { node { path latestVersion { number sha256 } } } } } }",
      { id: projectId },
      { cookie },
    );
    expect(answer.body.data?.project.files.edges.map(({ node }) => node)).toEqual([
      {
        path: "overlays/etc/motd",
        latestVersion: { number: 1, sha256: createHash("sha256").update(bytes).digest("hex") },
      },
    ]);
    expect(problems).toEqual([]);
  }, 90_000);
});
