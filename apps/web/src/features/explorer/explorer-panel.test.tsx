import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { parseRequestBody, projectsData, stubGraphQL } from "../../../test/stub-graphql";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { ExplorerPanel } from "./explorer-panel";

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
});

describe("ExplorerPanel", () => {
  it("lists projects with their boards, as a tree", async () => {
    stubGraphQL(() => ({
      data: projectsData([
        {
          id: "p1",
          name: "Gateway",
          boards: [{ id: "b1", name: "imx8-gw", schemaId: "board-config/1" }],
        },
        { id: "p2", name: "Sensor hub", boards: [] },
      ]),
    }));

    renderWithQuery(<ExplorerPanel />);

    expect(screen.getByRole("status").textContent).toBe("Loading projects…");
    const tree = await screen.findByRole("tree", { name: "Projects" });
    const gateway = within(tree).getByRole("treeitem", { name: "Gateway" });
    expect(gateway.getAttribute("aria-level")).toBe("1");
    expect(gateway.getAttribute("aria-expanded")).toBe("true");
    const board = within(gateway).getByRole("treeitem", { name: "imx8-gw" });
    expect(board.getAttribute("aria-level")).toBe("2");
    expect(board.getAttribute("aria-expanded")).toBe("false");
    const sensorHub = within(tree).getByRole("treeitem", { name: "Sensor hub" });
    expect(within(sensorHub).getByRole("treeitem", { name: "No boards" })).toBeTruthy();
  });

  it("asks only for the fields it shows", async () => {
    const fetchMock = stubGraphQL(() => ({ data: projectsData([]) }));

    renderWithQuery(<ExplorerPanel />);

    await screen.findByText("No projects yet.");
    const { query } = parseRequestBody(fetchMock.mock.calls[0]?.[1]);
    expect(query.replace(/\s+/g, " ").trim()).toBe(
      "query Projects { projects(first: 100) { edges { node { id name boards(first: 100) { edges { node { id name schemaId } } } } } } }",
    );
  });

  it("shows the empty state when there are no projects", async () => {
    stubGraphQL(() => ({ data: projectsData([]) }));

    renderWithQuery(<ExplorerPanel />);

    expect(await screen.findByText("No projects yet.")).toBeTruthy();
  });

  it("shows the GraphQL error message", async () => {
    stubGraphQL(() => ({ data: null, errors: [{ message: "Not authenticated" }] }));

    renderWithQuery(<ExplorerPanel />);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Could not load projects: Not authenticated");
  });

  it("opens a board when it is clicked, and marks it as the open one", async () => {
    stubGraphQL(() => ({
      data: projectsData([
        {
          id: "p1",
          name: "Gateway",
          boards: [{ id: "b1", name: "imx8-gw", schemaId: "board-config/1" }],
        },
      ]),
    }));
    renderWithQuery(<ExplorerPanel />);

    fireEvent.click(await screen.findByText("imx8-gw"));

    expect(useBoardSelectionStore.getState().selected).toEqual({
      projectId: "p1",
      projectName: "Gateway",
      boardId: "b1",
      boardName: "imx8-gw",
      schemaId: "board-config/1",
    });
    expect(screen.getByRole("treeitem", { name: "imx8-gw" }).getAttribute("aria-current")).toBe(
      "true",
    );
  });

  it("renames the open board, and the editor's title follows", async () => {
    const renamed: unknown[] = [];
    stubGraphQL((query, variables) => {
      if (query.includes("renameBoard")) {
        renamed.push(variables?.["input"]);
        return { data: { renameBoard: { board: { id: "b1", name: "imx8-gw2" } } } };
      }
      return {
        data: projectsData([
          {
            id: "p1",
            name: "Gateway",
            boards: [{ id: "b1", name: "imx8-gw", schemaId: "board-config/1" }],
          },
        ]),
      };
    });
    renderWithQuery(<ExplorerPanel />);
    fireEvent.click(await screen.findByText("imx8-gw"));

    fireEvent.click(screen.getByRole("button", { name: "Rename imx8-gw" }));
    fireEvent.change(screen.getByLabelText("New name"), { target: { value: "imx8-gw2" } });
    fireEvent.click(screen.getByRole("button", { name: "Rename" }));

    await waitFor(() =>
      expect(useBoardSelectionStore.getState().selected?.boardName).toBe("imx8-gw2"),
    );
    expect(renamed).toEqual([{ boardId: "b1", name: "imx8-gw2" }]);
    expect(screen.queryByLabelText("New name")).toBeNull();
  });

  it("archives a board once confirmed, closing it if it was open", async () => {
    const archived: unknown[] = [];
    stubGraphQL((query, variables) => {
      if (query.includes("archiveBoard")) {
        archived.push(variables?.["input"]);
        return { data: { archiveBoard: { board: { id: "b1" } } } };
      }
      return {
        data: projectsData([
          {
            id: "p1",
            name: "Gateway",
            boards: [{ id: "b1", name: "imx8-gw", schemaId: "board-config/1" }],
          },
        ]),
      };
    });
    const confirm = vi.fn(() => false);
    vi.stubGlobal("confirm", confirm);
    renderWithQuery(<ExplorerPanel />);
    fireEvent.click(await screen.findByText("imx8-gw"));

    fireEvent.click(screen.getByRole("button", { name: "Archive imx8-gw" }));
    expect(confirm).toHaveBeenCalledOnce();
    expect(archived).toEqual([]);

    confirm.mockReturnValue(true);
    fireEvent.click(screen.getByRole("button", { name: "Archive imx8-gw" }));
    await waitFor(() => expect(useBoardSelectionStore.getState().selected).toBeNull());
    expect(archived).toEqual([{ boardId: "b1" }]);
  });

  it("creates a board for hardware found by searching the catalogue, and opens it", async () => {
    const created: unknown[] = [];
    stubGraphQL((query, variables) => {
      if (query.includes("catalogueBoards")) {
        return {
          data: {
            catalogueBoards: [
              catalogueBoard("rock-5b", "ROCK 5B", "Radxa", "rk3588", "ARM64", "STANDARD"),
              catalogueBoard("qemu-arm64", "QEMU virt (arm64)", "QEMU", "virt", "ARM64", "VIRTUAL"),
              catalogueBoard("qemu-amd64", "QEMU PC (x86-64)", "QEMU", "q35", "AMD64", "VIRTUAL"),
            ],
          },
        };
      }
      if (query.includes("createBoard")) {
        created.push(variables?.["input"]);
        return {
          data: { createBoard: { board: { id: "b9", name: "gw", schemaId: "board-config/3" } } },
        };
      }
      return { data: projectsData([{ id: "p1", name: "Gateway", boards: [] }]) };
    });
    renderWithQuery(<ExplorerPanel />);

    fireEvent.click(await screen.findByRole("button", { name: "New board in Gateway" }));
    fireEvent.change(screen.getByLabelText("Board name"), { target: { value: "gw" } });
    // Submitting without hardware says what is missing and sends nothing.
    fireEvent.click(screen.getByRole("button", { name: "Create board" }));
    expect(screen.getByRole("alert").textContent).toBe("Choose the hardware the board is for.");

    fireEvent.change(await screen.findByRole("searchbox"), { target: { value: "qemu arm" } });
    const choices = screen.getAllByRole("radio");
    expect(choices).toHaveLength(1);
    fireEvent.click(choices[0] as HTMLElement);
    fireEvent.click(screen.getByRole("button", { name: "Create board" }));

    await waitFor(() => expect(useBoardSelectionStore.getState().selected?.boardId).toBe("b9"));
    expect(created).toEqual([{ projectId: "p1", name: "gw", catalogueBoardId: "qemu-arm64" }]);
  });

  it("keeps an invalid import's problems beside the form, creating nothing", async () => {
    stubGraphQL((query) =>
      query.includes("importBoard")
        ? {
            data: {
              importBoard: {
                board: null,
                validation: {
                  issues: [
                    {
                      path: "/system/hostname",
                      message: "Use lower-case letters",
                      severity: "ERROR",
                    },
                    { path: "/os", message: "Old release", severity: "WARNING" },
                  ],
                },
              },
            },
          }
        : { data: projectsData([{ id: "p1", name: "Gateway", boards: [] }]) },
    );
    renderWithQuery(<ExplorerPanel />);

    fireEvent.click(await screen.findByRole("button", { name: "Import a board into Gateway" }));
    fireEvent.change(screen.getByLabelText("Board name"), { target: { value: "imported" } });
    const text = '{"board":"rock-5b"}';
    // jsdom's File lacks Blob.text(), which browsers have.
    const file = Object.assign(new File([text], "board.json", { type: "application/json" }), {
      text: () => Promise.resolve(text),
    });
    fireEvent.change(screen.getByLabelText("Config file"), { target: { files: [file] } });
    fireEvent.click(screen.getByRole("button", { name: "Import" }));

    expect((await screen.findByRole("alert")).textContent).toBe(
      "Not imported: /system/hostname: Use lower-case letters",
    );
    expect(useBoardSelectionStore.getState().selected).toBeNull();
  });
});

function catalogueBoard(
  id: string,
  name: string,
  vendor: string,
  soc: string,
  architecture: string,
  supportTier: string,
) {
  return {
    id,
    name,
    vendor,
    soc,
    architecture,
    supportTier,
    branches: ["current"],
    recipes: ["DEBIAN"],
    releases: [{ recipe: "DEBIAN", name: "trixie", expert: false }],
    overlays: [{ branch: "current", names: null }],
    overlayPrefix: null,
  };
}
