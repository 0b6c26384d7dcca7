// A project's uploaded files in the Explorer: listed when their group is expanded, uploaded
// through the native file picker to a path the user may edit, deleted once confirmed, and the
// server's refusals in its own words.
import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { createQueryClient } from "../../lib/query-client";
import { useToastStore } from "../../lib/toast-store";
import { parseRequestBody, projectsData } from "../../../test/stub-graphql";
import { Toasts } from "../shell/toasts";
import { ExplorerPanel } from "./explorer-panel";

afterEach(() => {
  useToastStore.setState({ toasts: [] });
});

interface FileNode {
  id: string;
  path: string;
  latestVersion: { id: string; number: number; size: number };
}

const fileNode = (id: string, path: string, number: number, size: number): FileNode => ({
  id,
  path,
  latestVersion: { id: `${id}-v${number}`, number, size },
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * The server: project p1 "Gateway" with `files`; uploads answer `upload(request)`, and one that
 * succeeds adds version 1 of its path to the list. Returns what was asked, in order.
 */
function stubServer({
  files = [],
  upload = () => Promise.resolve(json({ file: {} }, 201)),
  deleteErrors,
}: {
  files?: FileNode[];
  upload?: () => Promise<Response>;
  deleteErrors?: { message: string }[];
}) {
  const stored = [...files];
  const asked: string[] = [];
  const uploads: { url: string; init: RequestInit | undefined }[] = [];
  vi.stubGlobal(
    "fetch",
    // The app fetches by URL string only.
    vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === "PUT") {
        uploads.push({ url, init });
        const response = await upload();
        const path = new URL(url, "http://web.test").searchParams.get("path") ?? "";
        if (response.ok) stored.push(fileNode(`f${stored.length + 1}`, path, 1, 5));
        return response;
      }
      const { query, variables } = parseRequestBody(init);
      const operation = /(?:query|mutation) (\w+)/.exec(query)?.[1] ?? "";
      asked.push(operation);
      switch (operation) {
        case "ProjectFiles":
          return json({
            data: {
              project: {
                id: variables?.["projectId"],
                files: { edges: stored.map((node) => ({ node })) },
              },
            },
          });
        case "DeleteProjectFile":
          if (deleteErrors) return json({ data: null, errors: deleteErrors });
          return json({ data: { deleteProjectFile: { deletedFileId: "f1" } } });
        default:
          return json({
            data: projectsData([
              {
                id: "p1",
                name: "Gateway",
                boards: [{ id: "b1", name: "imx8-gw", schemaId: "board-config/3" }],
              },
            ]),
          });
      }
    }),
  );
  return { asked, uploads };
}

/** The Explorer and the toasts, with the app's query client (whose failed actions toast). */
async function renderExplorer() {
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ExplorerPanel />
      <Toasts />
    </QueryClientProvider>,
  );
  await screen.findByRole("tree", { name: "Projects" });
  return { user, group: screen.getByRole("treeitem", { name: "Project files" }) };
}

/** An item's accessible name and description: the texts it is labelled and described by. */
function nameAndDetail(element: Element | null): string[] {
  return ["aria-labelledby", "aria-describedby"].map(
    (attribute) =>
      document.getElementById(element?.getAttribute(attribute) ?? "")?.textContent ?? "",
  );
}

/** The names and details of the expanded Project files group's entries. */
function listedFiles(group: HTMLElement): string[][] {
  const [list] = within(group).getAllByRole("group");
  if (!list) throw new Error("the group is not expanded");
  return within(list).getAllByRole("treeitem").map(nameAndDetail);
}

const notifications = () => within(screen.getByRole("list", { name: "Notifications" }));

/** Chooses `file` in the picker that "Upload file…" opens. */
async function chooseFile(user: ReturnType<typeof userEvent.setup>, file: File) {
  const picker = screen.getByLabelText<HTMLInputElement>("File to upload to Gateway");
  const opened = vi.spyOn(picker, "click");
  await user.click(screen.getByRole("button", { name: "Upload file to Gateway" }));
  expect(opened).toHaveBeenCalledOnce();
  await user.upload(picker, file);
}

describe("the Explorer's project files", () => {
  it("lists the project's files by path, with their newest version and size, once expanded", async () => {
    const { asked } = stubServer({
      files: [fileNode("f1", "overlays/etc/motd", 3, 1536), fileNode("f2", "setup.sh", 1, 20)],
    });
    const { user, group } = await renderExplorer();
    expect(group.getAttribute("aria-level")).toBe("2");
    expect(asked).not.toContain("ProjectFiles");

    group.focus();
    await user.keyboard("{ArrowRight}");
    await waitFor(() =>
      expect(listedFiles(group)).toEqual([
        ["overlays/etc/motd", "v3 · 1.5 KB"],
        ["setup.sh", "v1 · 20 B"],
      ]),
    );
    // A path the panel's width cuts short is whole in the row's tooltip.
    expect(within(group).getByTitle("overlays/etc/motd · v3 · 1.5 KB")).toBeTruthy();
    // Right enters the list, as everywhere in the tree.
    await user.keyboard("{ArrowRight}");
    expect(nameAndDetail(document.activeElement)).toEqual(["overlays/etc/motd", "v3 · 1.5 KB"]);
  });

  it("uploads the chosen file's bytes to the path typed, says so meanwhile, then lists it", async () => {
    let answer: (response: Response) => void = () => undefined;
    const { uploads, asked } = stubServer({
      upload: () => new Promise((resolve) => (answer = resolve)),
    });
    const { user, group } = await renderExplorer();
    await user.click(within(group).getByText("Project files"));
    expect(await screen.findByText("No files uploaded")).toBeTruthy();

    const file = new File(["hello"], "motd", { type: "text/plain" });
    await chooseFile(user, file);
    const form = screen.getByRole("form", { name: "Upload motd" });
    const path = within(form).getByLabelText<HTMLInputElement>("Path in project");
    // The file's name until edited.
    expect(path.value).toBe("motd");
    await user.clear(path);
    await user.type(path, "overlays/etc/motd");
    await user.click(within(form).getByRole("button", { name: "Upload" }));

    expect(await within(form).findByRole("status")).toHaveProperty(
      "textContent",
      "Uploading overlays/etc/motd…",
    );
    expect(within(form).getByRole("button", { name: "Uploading…" })).toHaveProperty(
      "disabled",
      true,
    );
    expect(uploads).toHaveLength(1);
    const [{ url, init } = { url: "", init: undefined }] = uploads;
    expect(url).toBe("/projects/p1/files?path=overlays%2Fetc%2Fmotd");
    expect(init?.method).toBe("PUT");
    expect(init?.credentials).toBe("same-origin");
    // The server refuses any other type (text/plain included) as cross-site.
    expect(init?.headers).toEqual({ "content-type": "application/octet-stream" });
    expect(init?.body).toBe(file);
    const listsBefore = asked.filter((operation) => operation === "ProjectFiles").length;

    answer(json({ file: {} }, 201));
    await waitFor(() => expect(screen.queryByRole("form", { name: "Upload motd" })).toBeNull());
    await waitFor(() => expect(listedFiles(group)).toEqual([["overlays/etc/motd", "v1 · 5 B"]]));
    expect(asked.filter((operation) => operation === "ProjectFiles")).toHaveLength(listsBefore + 1);
    expect(notifications().getByRole("status").textContent).toContain(
      "Uploaded overlays/etc/motd.",
    );
  });

  it("shows the server's message when it refuses a file as too large, and keeps the form", async () => {
    const message = "A project file is at most 67108864 bytes; nothing was stored.";
    stubServer({
      upload: () =>
        Promise.resolve(
          json({ errors: [{ message, extensions: { code: "PAYLOAD_TOO_LARGE" } }] }, 413),
        ),
    });
    const { user } = await renderExplorer();
    await chooseFile(user, new File(["x".repeat(64)], "rootfs.img"));
    await user.click(screen.getByRole("button", { name: "Upload" }));

    expect((await notifications().findByRole("alert")).textContent).toContain(message);
    // Still there, to try another path or file.
    expect(screen.getByRole("form", { name: "Upload rootfs.img" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Upload" })).toHaveProperty("disabled", false);
  });

  it("deletes a file once confirmed, and shows the server's refusal while a build uses it", async () => {
    const confirm = vi.fn(() => true);
    vi.stubGlobal("confirm", confirm);
    const refusal = "A queued or running build uses this file; try again once it has ended.";
    const { asked } = stubServer({
      files: [fileNode("f1", "setup.sh", 2, 20)],
      deleteErrors: [{ message: refusal }],
    });
    const { user, group } = await renderExplorer();
    await user.click(within(group).getByText("Project files"));
    await user.click(await screen.findByRole("button", { name: "Delete setup.sh" }));

    expect(confirm).toHaveBeenCalledWith("Delete “setup.sh” with all its versions?");
    expect((await notifications().findByRole("alert")).textContent).toContain(refusal);
    expect(asked).toContain("DeleteProjectFile");
    expect(listedFiles(group)).toEqual([["setup.sh", "v2 · 20 B"]]);
  });
});
