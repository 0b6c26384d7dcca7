import { act, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { projectsData, stubGraphQL } from "../../../test/stub-graphql";
import { createDefaultLayout } from "./default-layout";
import { LAYOUT_STORAGE_KEY, useLayoutStore } from "./layout-store";
import { Workspace } from "./workspace";

afterEach(() => {
  useLayoutStore.getState().resetLayout();
});

function stubEmptyApi() {
  stubGraphQL(() => ({ data: projectsData([]) }));
}

/**
 * jsdom lays nothing out, and FlexLayout renders a tab's content only once its rect has a size.
 * Give every element a size and report it the way a browser's ResizeObserver would.
 */
function fakeLayoutSize() {
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockReturnValue(
    new DOMRect(0, 0, 1200, 800),
  );
  vi.stubGlobal(
    "ResizeObserver",
    class implements ResizeObserver {
      constructor(private readonly callback: ResizeObserverCallback) {}
      observe(): void {
        queueMicrotask(() => this.callback([], this));
      }
      unobserve(): void {}
      disconnect(): void {}
    },
  );
}

describe("Workspace", () => {
  it("renders the Projects, Board and Build log tabs", async () => {
    stubEmptyApi();
    fakeLayoutSize();

    renderWithQuery(<Workspace />);

    const tabNames = Array.from(
      document.querySelectorAll(
        ".flexlayout__tab_button_content, .flexlayout__border_button_content",
      ),
      (element) => element.textContent,
    );
    expect(tabNames).toEqual(expect.arrayContaining(["Projects", "Board", "Build log"]));
    // The open panels render their content, including the Projects query's empty state.
    expect(await screen.findByText("No projects yet.")).toBeTruthy();
    expect(screen.getByText("Select a board in Projects to start editing.")).toBeTruthy();
    expect(screen.getByText("No build running.")).toBeTruthy();
  });

  it("falls back to the default layout when the saved one is unusable", () => {
    stubEmptyApi();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    useLayoutStore.setState({
      layoutJson: { layout: { type: "row", children: [{ type: "nonsense" }] } },
    });

    renderWithQuery(<Workspace />);

    expect(warn).toHaveBeenCalledWith("Ignoring the saved workspace layout", expect.anything());
    expect(document.querySelectorAll(".flexlayout__border_button_content")).toHaveLength(2);
  });

  it("restores the default layout on reset", () => {
    stubEmptyApi();
    const saved = createDefaultLayout();
    saved.borders = saved.borders?.filter((border) => border.location === "left");
    useLayoutStore.getState().saveLayout(saved);
    const borderTabs = () =>
      Array.from(
        document.querySelectorAll(".flexlayout__border_button_content"),
        (e) => e.textContent,
      );

    renderWithQuery(<Workspace />);
    expect(borderTabs()).toEqual(["Projects"]);

    act(() => useLayoutStore.getState().resetLayout());
    expect(borderTabs()).toEqual(["Projects", "Build log"]);
  });
});

describe("useLayoutStore", () => {
  it("persists saved layouts to localStorage and resets to the default", () => {
    const initial = useLayoutStore.getState();
    const moved = { ...initial.layoutJson, borders: [] };

    initial.saveLayout(moved);

    const stored = JSON.parse(localStorage.getItem(LAYOUT_STORAGE_KEY) ?? "null") as {
      state: { layoutJson: unknown; revision?: number };
    };
    expect(stored.state.layoutJson).toEqual(moved);
    expect(stored.state.revision).toBeUndefined();

    useLayoutStore.getState().resetLayout();

    expect(useLayoutStore.getState().layoutJson.borders).toHaveLength(2);
    expect(useLayoutStore.getState().revision).toBe(initial.revision + 1);
  });
});
