import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";

import { projectsData, stubGraphQL } from "../../../test/stub-graphql";
import { useToastStore } from "../../lib/toast-store";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { useVersionSelectionStore } from "../versions/version-selection-store";
import { readDeepLink, useDeepLinks, writeDeepLink } from "./deep-links";

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
  useBuildSelectionStore.getState().clear();
  useVersionSelectionStore.setState({ selected: null });
  useToastStore.setState({ toasts: [] });
  history.replaceState(null, "", "/");
});

function wrapper({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe("deep links", () => {
  it("reads and writes ?board=, &version= and ?build=, keeping other parameters", () => {
    expect(readDeepLink("?board=b1&version=v2&build=x")).toEqual({
      boardId: "b1",
      versionId: "v2",
      buildId: "x",
    });
    expect(readDeepLink("")).toEqual({ boardId: null, versionId: null, buildId: null });
    // A version means nothing without its board.
    expect(readDeepLink("?version=v2").versionId).toBeNull();
    expect(
      writeDeepLink("?lang=de&board=old&version=v1", {
        boardId: "b2",
        versionId: null,
        buildId: null,
      }),
    ).toBe("?lang=de&board=b2");
    expect(writeDeepLink("?board=b2", { boardId: null, versionId: null, buildId: null })).toBe("");
  });

  it("opens the linked board and build, then keeps the address in step", async () => {
    stubGraphQL(() => ({
      data: projectsData([
        {
          id: "p1",
          name: "Gateway",
          boards: [{ id: "b1", name: "gw", schemaId: "board-config/3" }],
        },
      ]),
    }));
    history.replaceState(null, "", "/?board=b1&build=build-3");
    renderHook(() => useDeepLinks(), { wrapper });

    await waitFor(() => expect(useBoardSelectionStore.getState().selected?.boardName).toBe("gw"));
    expect(useBuildSelectionStore.getState().selectedBuildId).toBe("build-3");

    act(() => useBuildSelectionStore.getState().selectBuild("build-4"));
    expect(location.search).toBe("?board=b1&build=build-4");
  });

  it("opens the linked version of the linked board, and links the version chosen", async () => {
    stubGraphQL(() => ({
      data: projectsData([
        {
          id: "p1",
          name: "Gateway",
          boards: [
            { id: "b1", name: "gw", schemaId: "board-config/3" },
            { id: "b2", name: "lab", schemaId: "board-config/3" },
          ],
        },
      ]),
    }));
    history.replaceState(null, "", "/?board=b1&version=v7");
    renderHook(() => useDeepLinks(), { wrapper });

    await waitFor(() =>
      expect(useVersionSelectionStore.getState().selected).toEqual({
        boardId: "b1",
        versionId: "v7",
      }),
    );
    expect(location.search).toBe("?board=b1&version=v7");

    act(() =>
      useVersionSelectionStore.getState().selectVersion({ boardId: "b1", versionId: "v8" }),
    );
    expect(location.search).toBe("?board=b1&version=v8");
    // Another board open: the version chosen on the first is not this view's.
    act(() =>
      useBoardSelectionStore.getState().selectBoard({
        projectId: "p1",
        projectName: "Gateway",
        boardId: "b2",
        boardName: "lab",
        schemaId: "board-config/3",
      }),
    );
    expect(location.search).toBe("?board=b2");
  });

  it("says so when the linked board is not the user's to open", async () => {
    stubGraphQL(() => ({ data: projectsData([]) }));
    history.replaceState(null, "", "/?board=elsewhere");
    renderHook(() => useDeepLinks(), { wrapper });

    await waitFor(() => expect(useToastStore.getState().toasts).toHaveLength(1));
    expect(useToastStore.getState().toasts[0]?.message).toMatch(/does not exist/);
    expect(useBoardSelectionStore.getState().selected).toBeNull();
  });
});
