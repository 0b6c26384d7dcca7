import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { parseRequestBody, projectsData, stubGraphQL } from "../../../test/stub-graphql";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { ProjectsPanel } from "./projects-panel";

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
});

describe("ProjectsPanel", () => {
  it("lists projects with their boards", async () => {
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

    renderWithQuery(<ProjectsPanel />);

    expect(screen.getByRole("status").textContent).toBe("Loading projects…");
    expect(await screen.findByText("Gateway")).toBeTruthy();
    expect(screen.getByRole("button", { name: "imx8-gw" })).toBeTruthy();
    const sensorHub = screen.getByText("Sensor hub").closest("li");
    expect(sensorHub && within(sensorHub).getByText("No boards")).toBeTruthy();
  });

  it("asks only for the fields it shows", async () => {
    const fetchMock = stubGraphQL(() => ({ data: projectsData([]) }));

    renderWithQuery(<ProjectsPanel />);

    await screen.findByText("No projects yet.");
    const { query } = parseRequestBody(fetchMock.mock.calls[0]?.[1]);
    expect(query.replace(/\s+/g, " ").trim()).toBe(
      "query Projects { projects(first: 100) { edges { node { id name boards(first: 100) { edges { node { id name schemaId } } } } } } }",
    );
  });

  it("shows the empty state when there are no projects", async () => {
    stubGraphQL(() => ({ data: projectsData([]) }));

    renderWithQuery(<ProjectsPanel />);

    expect(await screen.findByText("No projects yet.")).toBeTruthy();
  });

  it("shows the GraphQL error message", async () => {
    stubGraphQL(() => ({ data: null, errors: [{ message: "Not authenticated" }] }));

    renderWithQuery(<ProjectsPanel />);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Could not load projects: Not authenticated");
  });

  it("selects a board when it is clicked", async () => {
    stubGraphQL(() => ({
      data: projectsData([
        {
          id: "p1",
          name: "Gateway",
          boards: [{ id: "b1", name: "imx8-gw", schemaId: "board-config/1" }],
        },
      ]),
    }));
    renderWithQuery(<ProjectsPanel />);

    fireEvent.click(await screen.findByRole("button", { name: "imx8-gw" }));

    expect(useBoardSelectionStore.getState().selected).toEqual({
      projectId: "p1",
      projectName: "Gateway",
      boardId: "b1",
      boardName: "imx8-gw",
      schemaId: "board-config/1",
    });
    expect(screen.getByRole("button", { name: "imx8-gw" }).getAttribute("aria-pressed")).toBe(
      "true",
    );
  });
});
