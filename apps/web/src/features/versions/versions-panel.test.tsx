import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { stubGraphQL } from "../../../test/stub-graphql";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { useVersionSelectionStore } from "./version-selection-store";
import { VersionsPanel } from "./versions-panel";

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
  useVersionSelectionStore.setState({ selected: null });
});

function version(number: number, message: string) {
  return {
    id: `v${number}`,
    number,
    message,
    contentHash: `${number}`.repeat(64),
    schemaId: "board-config/3",
    createdAt: "2026-12-01T10:00:00.000Z",
    author: { login: "alice" },
  };
}

describe("VersionsPanel", () => {
  it("lists versions newest first, shows what changed, and restores or builds one", async () => {
    const calls: { query: string; variables: unknown }[] = [];
    stubGraphQL((query, variables) => {
      calls.push({ query, variables });
      if (query.includes("diffVersions")) {
        return {
          data: {
            diffVersions: {
              changes: [
                { kind: "CHANGED", path: "/system/hostname", oldValue: "a", newValue: "b" },
                { kind: "ADDED", path: "/network/wifi", oldValue: null, newValue: { ssid: "x" } },
              ],
            },
          },
        };
      }
      if (query.includes("restoreVersion")) {
        return { data: { restoreVersion: { board: { id: "b1" } } } };
      }
      if (query.includes("startBuild")) {
        return {
          data: {
            startBuild: {
              reused: false,
              build: { id: "build-7" },
              validation: { valid: true, issues: [] },
            },
          },
        };
      }
      const nodes = [version(2, "Wi-Fi on"), version(1, "")];
      return {
        data: { versions: { totalCount: 2, edges: nodes.map((node) => ({ node })) } },
      };
    });
    useBoardSelectionStore.getState().selectBoard({
      projectId: "p1",
      projectName: "Gateway",
      boardId: "b1",
      boardName: "gw",
      schemaId: "board-config/3",
    });
    renderWithQuery(<VersionsPanel />);

    const headings = await screen.findAllByText(/^Version \d$/);
    expect(headings.map((heading) => heading.textContent)).toEqual(["Version 2", "Version 1"]);
    expect(screen.getByText("Wi-Fi on")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Changes since 1" }));
    expect(await screen.findByText("/system/hostname")).toBeTruthy();
    expect(screen.getByText('{"ssid":"x"}')).toBeTruthy();
    expect(calls.find((call) => call.query.includes("diffVersions"))?.variables).toEqual({
      a: "v1",
      b: "v2",
    });

    const [restoreNewest] = screen.getAllByRole("button", { name: "Restore" });
    fireEvent.click(restoreNewest as HTMLElement);
    await waitFor(() =>
      expect(calls.find((call) => call.query.includes("restoreVersion"))?.variables).toEqual({
        input: { versionId: "v2" },
      }),
    );

    const [, buildOldest] = screen.getAllByRole("button", { name: "Build" });
    fireEvent.click(buildOldest as HTMLElement);
    await waitFor(() => expect(useBuildSelectionStore.getState().selectedBuildId).toBe("build-7"));
    expect(calls.find((call) => call.query.includes("startBuild"))?.variables).toEqual({
      input: { versionId: "v1" },
    });
  });

  it("marks and scrolls to the version chosen in the Explorer", async () => {
    const nodes = [version(3, "c"), version(2, "b"), version(1, "a")];
    stubGraphQL(() => ({
      data: { versions: { totalCount: 3, edges: nodes.map((node) => ({ node })) } },
    }));
    const scrolled: Element[] = [];
    vi.spyOn(Element.prototype, "scrollIntoView").mockImplementation(function (this: Element) {
      scrolled.push(this);
    });
    useBoardSelectionStore.getState().selectBoard({
      projectId: "p1",
      projectName: "Gateway",
      boardId: "b1",
      boardName: "gw",
      schemaId: "board-config/3",
    });
    useVersionSelectionStore.getState().selectVersion({ boardId: "b1", versionId: "v2" });
    renderWithQuery(<VersionsPanel />);

    const chosen = (await screen.findByText("Version 2")).closest("li");
    expect(chosen?.getAttribute("aria-current")).toBe("true");
    expect(document.querySelectorAll("[aria-current]")).toHaveLength(1);
    expect(scrolled).toEqual([chosen]);

    // A version of another board marks nothing here.
    act(() =>
      useVersionSelectionStore.getState().selectVersion({ boardId: "b9", versionId: "v3" }),
    );
    expect(document.querySelectorAll("[aria-current]")).toHaveLength(0);
  });
});
