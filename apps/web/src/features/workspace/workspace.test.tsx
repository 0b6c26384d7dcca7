import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { IJsonTabSetNode } from "flexlayout-react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { projectsData, stubGraphQL } from "../../../test/stub-graphql";
import { useFieldFocusStore } from "../board/field-focus-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { useVersionSelectionStore } from "../versions/version-selection-store";
import { createDefaultLayout } from "./default-layout";
import { LAYOUT_STORAGE_KEY, loadLayoutOf, useLayoutStore } from "./layout-store";
import { Workspace } from "./workspace";

beforeEach(() => {
  useLayoutStore.setState({ owner: null, layoutJson: createDefaultLayout() });
});
afterEach(() => {
  useBuildSelectionStore.getState().clear();
  useVersionSelectionStore.setState({ selected: null });
});

function stubEmptyApi() {
  stubGraphQL(() => ({ data: projectsData([]) }));
}

/** Renders the workspace for `login`, as the signed-in session says. */
function renderWorkspace(login = "alice") {
  const result = renderWithQuery(<Workspace />);
  result.queryClient.setQueryData(["session"], {
    user: { id: "u1", login, name: null, avatarUrl: null },
    signIn: "dev",
  });
  return result;
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

const tabNames = () =>
  Array.from(
    document.querySelectorAll(
      ".flexlayout__tab_button_content, .flexlayout__border_button_content",
    ),
    (element) => element.textContent,
  );

/** The names of the tabs in front, one per tabset. */
const selectedTabs = () =>
  Array.from(
    document.querySelectorAll(".flexlayout__tab_button--selected .flexlayout__tab_button_content"),
    (element) => element.textContent,
  );

describe("Workspace", () => {
  it("renders every panel's tab, and the open panels' content", async () => {
    stubEmptyApi();
    fakeLayoutSize();

    renderWorkspace();

    expect(await screen.findByText("No projects yet.")).toBeTruthy();
    expect(tabNames()).toEqual(
      expect.arrayContaining([
        "Explorer",
        "Config editor",
        "Validation",
        "Versions",
        "Builds",
        "Build detail",
        "Artifacts",
        "Activity",
      ]),
    );
    // The editor is code-split: its chunk loads on first use, slowly under a cold transform.
    expect(
      await screen.findByText(
        "Open a board from the Explorer to start editing.",
        {},
        { timeout: 15_000 },
      ),
    ).toBeTruthy();
  }, 20_000);

  it("puts every panel in one tabset on a phone", () => {
    const layout = createDefaultLayout(390);
    expect(layout.layout.children).toHaveLength(1);
    expect(layout.borders?.[0]?.selected).toBe(-1);
  });

  it("falls back to the default layout when the saved one is unusable", async () => {
    stubEmptyApi();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    localStorage.setItem(
      `${LAYOUT_STORAGE_KEY}.alice`,
      JSON.stringify({
        state: { layoutJson: { layout: { type: "row", children: [{ type: "nonsense" }] } } },
        version: 2,
      }),
    );

    renderWorkspace();

    await screen.findByRole("toolbar", { name: "Workspace" });
    expect(warn).toHaveBeenCalledWith("Ignoring the saved workspace layout", expect.anything());
    expect(tabNames()).toContain("Explorer");
  });

  it("restores the default layout on reset, and reopens a closed panel from the menu", async () => {
    stubEmptyApi();
    await loadLayoutOf("alice");
    const saved = createDefaultLayout();
    saved.borders = [];
    useLayoutStore.getState().saveLayout(saved);

    renderWorkspace();
    await screen.findByRole("toolbar", { name: "Workspace" });
    expect(tabNames()).not.toContain("Explorer");

    act(() => screen.getByRole("button", { name: "Reset layout" }).click());
    await waitFor(() => expect(tabNames()).toContain("Explorer"));
  });

  it("shows the build detail when a build is chosen", async () => {
    stubEmptyApi();
    renderWorkspace();
    await screen.findByRole("toolbar", { name: "Workspace" });
    expect(selectedTabs()).not.toContain("Build detail");
    act(() => useBuildSelectionStore.getState().selectBuild("build-1"));
    await waitFor(() => expect(selectedTabs()).toContain("Build detail"));
  });

  it("shows Versions when a version is chosen", async () => {
    stubEmptyApi();
    renderWorkspace();
    await screen.findByRole("toolbar", { name: "Workspace" });
    expect(selectedTabs()).not.toContain("Versions");
    act(() =>
      useVersionSelectionStore.getState().selectVersion({ boardId: "b1", versionId: "v1" }),
    );
    await waitFor(() => expect(selectedTabs()).toContain("Versions"));
  });

  it("shows the editor when the Validation panel asks for a field", async () => {
    stubEmptyApi();
    await loadLayoutOf("alice");
    // A phone's layout, with the Validation tab in front of the editor.
    const phone = createDefaultLayout(390);
    const [tabset] = phone.layout.children as IJsonTabSetNode[];
    if (!tabset) throw new Error("expected one tabset");
    tabset.selected = 1;
    useLayoutStore.getState().saveLayout(phone);
    renderWorkspace();
    await screen.findByRole("toolbar", { name: "Workspace" });
    expect(selectedTabs()).toEqual(["Validation"]);

    act(() => useFieldFocusStore.getState().focusField("/system/hostname"));
    await waitFor(() => expect(selectedTabs()).toEqual(["Config editor"]));
  });
});

describe("Workspace tabs from the keyboard", () => {
  it("reaches each tabset's front tab with Tab, moves along a tabset with the arrows, and switches with Enter", async () => {
    const user = userEvent.setup();
    stubEmptyApi();
    fakeLayoutSize();
    renderWorkspace();
    await screen.findByText("No projects yet.");

    // One tab stop per tabset, its front tab, in the order the tabsets appear.
    screen.getByRole("button", { name: "Reset layout" }).focus();
    const reached: (string | null)[] = [];
    for (let presses = 0; presses < 12; presses++) {
      await user.tab();
      if (document.activeElement?.getAttribute("role") === "tab") {
        reached.push(document.activeElement.getAttribute("aria-label"));
      }
    }
    expect(reached).toEqual(["Explorer", "Config editor", "Builds", "Validation"]);

    const validation = screen.getByRole("tab", { name: "Validation" });
    const versions = screen.getByRole("tab", { name: "Versions" });
    validation.focus();
    await user.keyboard("{ArrowRight}");
    // The arrows move focus only; the tab in front stays until Enter.
    expect(document.activeElement).toBe(versions);
    expect(validation.getAttribute("aria-selected")).toBe("true");

    await user.keyboard("{Enter}");
    expect(versions.getAttribute("aria-selected")).toBe("true");
    expect(validation.getAttribute("aria-selected")).toBe("false");
    expect(document.activeElement).toBe(versions);
    expect(await screen.findByText("Open a board to see its versions.")).toBeTruthy();

    await user.keyboard("{ArrowLeft}{ArrowLeft}");
    expect(document.activeElement).toBe(validation);
  });
});

describe("useLayoutStore", () => {
  it("keeps each user's layout apart", async () => {
    await loadLayoutOf("alice");
    const moved = { ...createDefaultLayout(), borders: [] };
    useLayoutStore.getState().saveLayout(moved);
    const stored = JSON.parse(localStorage.getItem(`${LAYOUT_STORAGE_KEY}.alice`) ?? "null") as {
      state: { layoutJson: unknown; revision?: number };
    };
    expect(stored.state.layoutJson).toEqual(moved);
    expect(stored.state.revision).toBeUndefined();

    await loadLayoutOf("bob");
    expect(useLayoutStore.getState().layoutJson.borders).toHaveLength(1);
    await loadLayoutOf("alice");
    expect(useLayoutStore.getState().layoutJson.borders).toHaveLength(0);
  });
});
