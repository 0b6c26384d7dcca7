import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";

import { projectsData, stubGraphQL } from "../../../test/stub-graphql";
import { useToastStore } from "../../lib/toast-store";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";
import { readDeepLink, useDeepLinks, writeDeepLink } from "./deep-links";

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
  useBuildSelectionStore.getState().clear();
  useToastStore.setState({ toasts: [] });
  history.replaceState(null, "", "/");
});

function wrapper({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe("deep links", () => {
  it("reads and writes ?board= and ?build=, keeping other parameters", () => {
    expect(readDeepLink("?board=b1&build=x")).toEqual({ boardId: "b1", buildId: "x" });
    expect(readDeepLink("")).toEqual({ boardId: null, buildId: null });
    expect(writeDeepLink("?lang=de&board=old", { boardId: "b2", buildId: null })).toBe(
      "?lang=de&board=b2",
    );
    expect(writeDeepLink("?board=b2", { boardId: null, buildId: null })).toBe("");
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

  it("says so when the linked board is not the user's to open", async () => {
    stubGraphQL(() => ({ data: projectsData([]) }));
    history.replaceState(null, "", "/?board=elsewhere");
    renderHook(() => useDeepLinks(), { wrapper });

    await waitFor(() => expect(useToastStore.getState().toasts).toHaveLength(1));
    expect(useToastStore.getState().toasts[0]?.message).toMatch(/does not exist/);
    expect(useBoardSelectionStore.getState().selected).toBeNull();
  });
});
