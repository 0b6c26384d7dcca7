// The Explorer as a WAI-ARIA tree: its roles, the keyboard, the board groups that load when
// expanded, "Show all", and what activating each kind of entry does elsewhere in the workspace.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { projectsData, stubGraphQL } from "../../../test/stub-graphql";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useFieldFocusStore } from "../board/field-focus-store";
import { buildFixture } from "../builds/build-fixtures";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { useVersionSelectionStore } from "../versions/version-selection-store";
import { ExplorerPanel } from "./explorer-panel";

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
  useBuildSelectionStore.getState().clear();
  useVersionSelectionStore.setState({ selected: null });
  useFieldFocusStore.setState({ request: null });
});

const PROJECTS = [
  {
    id: "p1",
    name: "Gateway",
    boards: [
      { id: "b1", name: "imx8-gw", schemaId: "board-config/3" },
      { id: "b2", name: "rock-5b", schemaId: "board-config/3" },
    ],
  },
  { id: "p2", name: "Sensor hub", boards: [] },
];

function versionNode(number: number) {
  return {
    id: `v${number}`,
    number,
    message: number === 1 ? "" : `Change ${number}`,
    contentHash: "a".repeat(64),
    schemaId: "board-config/3",
    createdAt: "2026-12-01T10:00:00.000Z",
    author: { login: "alice" },
  };
}

interface ApiOptions {
  /** How many versions b1 has (newest first from the server). */
  versions?: number;
  builds?: ReturnType<typeof buildFixture>[];
  /** The builds query fails with this message until it is cleared. */
  buildsError?: { message: string | null };
  files?: unknown;
}

/** The server for the Explorer; returns the operation names asked for, in order. */
function stubExplorerApi({ versions = 3, builds = [], buildsError, files = [] }: ApiOptions = {}) {
  const asked: { operation: string; variables: Record<string, unknown> | undefined }[] = [];
  const archived = new Set<string>();
  stubGraphQL((query, variables) => {
    const operation = /(?:query|mutation) (\w+)/.exec(query)?.[1] ?? "";
    asked.push({ operation, variables });
    switch (operation) {
      case "BoardVersions": {
        const nodes = Array.from({ length: versions }, (_, index) => versionNode(versions - index));
        return {
          data: { versions: { totalCount: versions, edges: nodes.map((node) => ({ node })) } },
        };
      }
      case "ProjectBuilds": {
        if (buildsError?.message) return { data: null, errors: [{ message: buildsError.message }] };
        // The server's filter: one board's builds.
        const boardId = (variables?.["filter"] as { boardId?: string } | null)?.boardId;
        const nodes = builds.filter((node) => !boardId || node.board.id === boardId);
        return {
          data: { builds: { totalCount: nodes.length, edges: nodes.map((node) => ({ node })) } },
        };
      }
      case "BoardConfig":
        return { data: { board: { id: variables?.["boardId"], config: { board: "x", files } } } };
      case "ArchiveBoard": {
        const { boardId } = variables?.["input"] as { boardId: string };
        archived.add(boardId);
        return { data: { archiveBoard: { board: { id: boardId } } } };
      }
      default:
        return {
          data: projectsData(
            PROJECTS.map((project) => ({
              ...project,
              boards: project.boards.filter((board) => !archived.has(board.id)),
            })),
          ),
        };
    }
  });
  return {
    asked: () => asked.map((call) => call.operation),
    variablesOf: (operation: string) =>
      asked.filter((call) => call.operation === operation).map((call) => call.variables),
  };
}

async function renderExplorer(options?: ApiOptions) {
  const api = stubExplorerApi(options);
  const user = userEvent.setup();
  renderWithQuery(<ExplorerPanel />);
  const tree = await screen.findByRole("tree", { name: "Projects" });
  return { api, user, tree };
}

const item = (name: string | RegExp, container: HTMLElement = document.body) =>
  within(container).getByRole("treeitem", { name });

const focused = () => {
  const element = document.activeElement;
  if (element?.getAttribute("role") !== "treeitem") return null;
  const label = element.getAttribute("aria-labelledby");
  return (label && document.getElementById(label)?.textContent) ?? null;
};

/** Expands b1 ("imx8-gw") and returns its item. */
async function expandFirstBoard(user: ReturnType<typeof userEvent.setup>) {
  const board = item("imx8-gw");
  board.focus();
  await user.keyboard("{ArrowRight}");
  return board;
}

describe("the Explorer tree", () => {
  it("is a tree of treeitems in groups, with levels, expansion and one tab stop", async () => {
    const { tree, user } = await renderExplorer();
    const gateway = item("Gateway", tree);
    expect(gateway.getAttribute("aria-level")).toBe("1");
    expect(gateway.getAttribute("aria-expanded")).toBe("true");
    const [boards] = within(gateway).getAllByRole("group");
    if (!boards) throw new Error("expected the project's group");
    // The boards, then the project's uploaded files, folded.
    expect(within(boards).getAllByRole("treeitem").map(focusName)).toEqual([
      "imx8-gw",
      "rock-5b",
      "Project files",
    ]);
    expect(item("Project files", boards).getAttribute("aria-expanded")).toBe("false");
    expect(item("imx8-gw").getAttribute("aria-level")).toBe("2");

    // Every item but one is out of the tab order.
    const tabStops = within(tree)
      .getAllByRole("treeitem")
      .filter((element) => element.tabIndex === 0);
    expect(tabStops).toEqual([gateway]);

    // The row's buttons are in the tab order only while their item is the focused one.
    const newBoard = screen.getByRole("button", { name: "New board in Gateway" });
    const rename = screen.getByRole("button", { name: "Rename imx8-gw" });
    expect([newBoard.tabIndex, rename.tabIndex]).toEqual([0, -1]);
    await user.click(screen.getByText("imx8-gw"));
    expect(document.activeElement).toBe(item("imx8-gw"));
    expect([newBoard.tabIndex, rename.tabIndex, gateway.tabIndex]).toEqual([-1, 0, -1]);
    await user.tab();
    expect(document.activeElement).toBe(rename);
  });

  it("moves with Up and Down, expands and enters with Right, leaves and collapses with Left, and jumps with Home and End", async () => {
    const { user } = await renderExplorer();

    // From the button before the tree, Tab lands on the tree's one tab stop.
    screen.getByRole("button", { name: "New project" }).focus();
    await user.tab();
    expect(focused()).toBe("Gateway");
    await user.keyboard("{ArrowDown}");
    expect(focused()).toBe("imx8-gw");

    await user.keyboard("{ArrowRight}");
    expect(item("imx8-gw").getAttribute("aria-expanded")).toBe("true");
    expect(focused()).toBe("imx8-gw");
    await user.keyboard("{ArrowRight}");
    expect(focused()).toBe("Versions");
    expect(document.activeElement?.getAttribute("aria-level")).toBe("3");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(focused()).toBe("Files");
    await user.keyboard("{ArrowDown}");
    expect(focused()).toBe("rock-5b");
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(focused()).toBe("Builds");

    // Left on a collapsed item goes to its parent; on an expanded one it collapses it.
    await user.keyboard("{ArrowLeft}");
    expect(focused()).toBe("imx8-gw");
    await user.keyboard("{ArrowLeft}");
    expect(item("imx8-gw").getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByRole("treeitem", { name: "Versions" })).toBeNull();
    await user.keyboard("{ArrowLeft}");
    expect(focused()).toBe("Gateway");

    await user.keyboard("{End}");
    expect(document.activeElement).toBe(item("Project files", item("Sensor hub")));
    await user.keyboard("{ArrowUp}");
    expect(focused()).toBe("No boards");
    await user.keyboard("{Home}");
    expect(focused()).toBe("Gateway");
    // Enter on a project folds it; Right opens it again.
    await user.keyboard("{Enter}");
    expect(item("Gateway").getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByRole("treeitem", { name: "imx8-gw" })).toBeNull();
    await user.keyboard("{ArrowRight}");
    expect(item("Gateway").getAttribute("aria-expanded")).toBe("true");
    // Right on a leaf, and Up at the top, stay put.
    await user.keyboard("{ArrowUp}");
    expect(focused()).toBe("Gateway");
  });

  it("gives the tab stop back to the first item when the item holding it goes away", async () => {
    vi.stubGlobal("confirm", () => true);
    const { user } = await renderExplorer();
    await user.click(screen.getByText("rock-5b"));
    expect(item("rock-5b").tabIndex).toBe(0);

    await user.click(screen.getByRole("button", { name: "Archive rock-5b" }));
    await waitFor(() => expect(screen.queryByRole("treeitem", { name: "rock-5b" })).toBeNull());
    const tabStops = screen.getAllByRole("treeitem").filter((element) => element.tabIndex === 0);
    expect(tabStops).toEqual([item("Gateway")]);
  });

  it("asks for a board's versions, builds and files only when their group is expanded", async () => {
    const { api, user } = await renderExplorer({
      builds: [
        buildFixture({ id: "build-2", board: { id: "b1", name: "imx8-gw" }, status: "FAILED" }),
        buildFixture({ id: "build-9", board: { id: "b2", name: "rock-5b" } }),
      ],
      files: [{ fileId: "f_motd", path: "/etc/motd", mode: "0644" }],
    });
    const board = await expandFirstBoard(user);
    expect(within(board).getAllByRole("treeitem").map(focusName)).toEqual([
      "Versions",
      "Builds",
      "Files",
    ]);
    expect(api.asked()).toEqual(["Projects"]);

    await user.click(within(board).getByText("Versions"));
    const versions = item("Versions", board);
    expect(await within(versions).findByRole("treeitem", { name: "Version 3" })).toBeTruthy();
    expect(api.variablesOf("BoardVersions")).toEqual([{ boardId: "b1" }]);
    expect(api.asked()).not.toContain("ProjectBuilds");

    await user.click(within(board).getByText("Builds"));
    const builds = item("Builds", board);
    // Only this board's builds, as the server filters them.
    const build = await within(builds).findByRole("treeitem", { name: "v3 · debian-image" });
    expect(build.getAttribute("aria-describedby")).toBeTruthy();
    expect(within(builds).getAllByRole("treeitem")).toHaveLength(1);
    expect(api.variablesOf("ProjectBuilds")).toEqual([
      { projectId: "p1", filter: { boardId: "b1" } },
    ]);
    expect(api.asked()).not.toContain("BoardConfig");

    await user.click(within(board).getByText("Files"));
    const files = item("Files", board);
    expect(await within(files).findByRole("treeitem", { name: "/etc/motd" })).toBeTruthy();
    expect(api.variablesOf("BoardConfig")).toEqual([{ boardId: "b1" }]);
  });

  it("says when a group is empty, and retries a group that failed when activated", async () => {
    const buildsError = { message: "Service unavailable" as string | null };
    const { user } = await renderExplorer({ versions: 0, buildsError });
    const board = await expandFirstBoard(user);

    await user.click(within(board).getByText("Versions"));
    const empty = await screen.findByRole("treeitem", { name: "No versions yet" });
    expect(empty.getAttribute("aria-disabled")).toBe("true");

    await user.click(within(board).getByText("Files"));
    expect(await screen.findByRole("treeitem", { name: "No extra files" })).toBeTruthy();

    await user.click(within(board).getByText("Builds"));
    const failed = await screen.findByRole("treeitem", {
      name: "Could not load builds: Service unavailable",
    });
    buildsError.message = null;
    failed.focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("treeitem", { name: "No builds yet" })).toBeTruthy();
  });

  it("lists the newest 10 entries, and all of them after Show all, focusing the first one it revealed", async () => {
    const { user } = await renderExplorer({ versions: 12 });
    const board = await expandFirstBoard(user);
    await user.click(within(board).getByText("Versions"));
    const versions = item("Versions", board);
    const showAll = await within(versions).findByRole("treeitem", { name: "Show all 12 versions" });
    const names = () =>
      within(versions)
        .getAllByRole("treeitem")
        .map((element) => focusName(element));
    expect(names()).toEqual([
      ...Array.from({ length: 10 }, (_, index) => `Version ${12 - index}`),
      "Show all 12 versions",
    ]);

    showAll.focus();
    await user.keyboard("{Enter}");
    expect(names()).toEqual(Array.from({ length: 12 }, (_, index) => `Version ${12 - index}`));
    expect(focused()).toBe("Version 2");
    expect(document.activeElement?.getAttribute("tabindex")).toBe("0");
  });

  it("opens a board, selects a version, opens a build and focuses a file's field when they are activated", async () => {
    const { user } = await renderExplorer({
      builds: [buildFixture({ id: "build-2", board: { id: "b1", name: "imx8-gw" } })],
      files: [
        { fileId: "f_motd", path: "/etc/motd" },
        { fileId: "f_issue", path: "/etc/issue", mode: "0600" },
      ],
    });
    const board = await expandFirstBoard(user);
    const opened = {
      projectId: "p1",
      projectName: "Gateway",
      boardId: "b1",
      boardName: "imx8-gw",
      schemaId: "board-config/3",
    };

    // A version of a board that is not open opens the board too: Versions lists the open one's.
    await user.click(within(board).getByText("Versions"));
    const version = await screen.findByRole("treeitem", { name: "Version 2" });
    expect(version.getAttribute("aria-describedby")).toBeTruthy();
    version.focus();
    await user.keyboard("{Enter}");
    expect(useBoardSelectionStore.getState().selected).toEqual(opened);
    expect(useVersionSelectionStore.getState().selected).toEqual({
      boardId: "b1",
      versionId: "v2",
    });
    expect(version.getAttribute("aria-current")).toBe("true");
    expect(item("imx8-gw").getAttribute("aria-current")).toBe("true");

    await user.click(within(board).getByText("Builds"));
    const build = await screen.findByRole("treeitem", { name: "v3 · debian-image" });
    build.focus();
    await user.keyboard(" ");
    expect(useBuildSelectionStore.getState().selectedBuildId).toBe("build-2");
    expect(build.getAttribute("aria-current")).toBe("true");

    useBoardSelectionStore.getState().clearSelection();
    await user.click(within(board).getByText("Files"));
    await user.click(await screen.findByText("/etc/issue"));
    expect(useBoardSelectionStore.getState().selected).toEqual(opened);
    expect(useFieldFocusStore.getState().request?.pointer).toBe("/files/1");

    // The board itself opens with Enter; Right (not Enter) expands it.
    item("rock-5b").focus();
    await user.keyboard("{Enter}");
    expect(useBoardSelectionStore.getState().selected?.boardId).toBe("b2");
    expect(item("rock-5b").getAttribute("aria-expanded")).toBe("false");
  });

  it("leaves the keys typed in a row's forms to the forms", async () => {
    const { user } = await renderExplorer();
    await user.click(screen.getByRole("button", { name: "New board in Gateway" }));
    const name = screen.getByLabelText("Board name");
    await user.type(name, "gw {ArrowLeft}{Home}x");
    expect((name as HTMLInputElement).value).toBe("xgw ");
    expect(document.activeElement).toBe(name);
    expect(item("Gateway").getAttribute("aria-expanded")).toBe("true");
  });
});

/** An item's accessible name, the text of the element it is labelled by. */
function focusName(element: HTMLElement): string | null {
  const label = element.getAttribute("aria-labelledby");
  return (label && document.getElementById(label)?.textContent) ?? null;
}
