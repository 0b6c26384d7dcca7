import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { parseRequestBody, stubGraphQL } from "../../../test/stub-graphql";
import { renderWithQuery } from "../../../test/render-with-query";
import { BuildDetailPanel } from "./build-detail-panel";
import { buildFixture, recipesData } from "./build-fixtures";
import type { BuildDetail } from "./build-operations";
import { useBuildSelectionStore } from "./build-selection-store";
import { createFakeLiveClient } from "./fake-live-client";

function stubApi(build: BuildDetail) {
  return stubGraphQL((query) => {
    if (query.includes("query BuildDetail")) return { data: { build } };
    if (query.includes("query BuildRecipes")) return { data: recipesData };
    if (query.includes("mutation CancelBuild")) return { data: { cancelBuild: { build } } };
    if (query.includes("mutation RetryBuild")) {
      return { data: { retryBuild: { build: { id: "build-2" } } } };
    }
    throw new Error(`unexpected query ${query}`);
  });
}

function renderPanel(build: BuildDetail) {
  const fetchMock = stubApi(build);
  const fake = createFakeLiveClient();
  useBuildSelectionStore.getState().selectBuild(build.id);
  renderWithQuery(<BuildDetailPanel client={fake.client} />);
  return { fetchMock, fake };
}

const mutations = (fetchMock: ReturnType<typeof stubApi>) =>
  fetchMock.mock.calls
    .map(([, init]) => parseRequestBody(init))
    .filter((body) => body.query.trimStart().startsWith("mutation"));

afterEach(() => useBuildSelectionStore.getState().clear());

describe("BuildDetailPanel", () => {
  it("asks to select a build when none is", () => {
    renderWithQuery(<BuildDetailPanel client={createFakeLiveClient().client} />);
    expect(screen.getByText("Select a build to see its progress and log.")).toBeTruthy();
  });

  it("shows the status, the build's stages with marks, progress and time left", async () => {
    renderPanel(buildFixture());

    await screen.findByRole("heading", { name: "rpi4-lab v3" });
    expect(screen.getByText("Running")).toBeTruthy();
    const stages = within(await screen.findByRole("list", { name: "Stages" }));
    const items = stages.getAllByRole("listitem").map((item) => item.textContent);
    expect(items).toEqual([
      "✓ Fetch sources (done)",
      "▶ Compile kernel (current)",
      "○ Assemble root filesystem (pending)",
      "○ Write disk image (pending)",
      "○ Compressing the image (xz) (pending)",
    ]);
    const bar = screen.getByRole("progressbar", { name: "Build progress" });
    expect(bar.getAttribute("aria-valuenow")).toBe("45");
    expect(bar.getAttribute("aria-valuetext")).toBe("45%, Compile kernel");
    expect(screen.getByText("45% · Compile kernel · about 3 min left")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Retry build" })).toBeNull();
  });

  it("cancels the build through cancelBuild", async () => {
    const { fetchMock } = renderPanel(buildFixture());

    fireEvent.click(await screen.findByRole("button", { name: "Cancel build" }));

    await waitFor(() => expect(mutations(fetchMock)).toHaveLength(1));
    expect(mutations(fetchMock)[0]).toMatchObject({
      query: expect.stringContaining("cancelBuild") as unknown,
      variables: { input: { buildId: "build-1" } },
    });
  });

  it("shows why a build failed, retries it and opens the new build", async () => {
    const { fetchMock } = renderPanel(
      buildFixture({
        status: "FAILED",
        errorMessage: "exit code 2 in stage kernel",
        etaSeconds: null,
        finishedAt: "2025-03-01T10:05:00.000Z",
        logUrl: "/builds/build-1/log.txt",
      }),
    );

    expect(await screen.findByText("Failed: exit code 2 in stage kernel")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Cancel build" })).toBeNull();
    expect(screen.getByRole("link", { name: "Download raw log" }).getAttribute("href")).toBe(
      "/builds/build-1/log.txt",
    );

    fireEvent.click(screen.getByRole("button", { name: "Retry build" }));

    await waitFor(() => expect(useBuildSelectionStore.getState().selectedBuildId).toBe("build-2"));
    expect(mutations(fetchMock)[0]?.variables).toEqual({ input: { buildId: "build-1" } });
  });

  it("follows buildUpdated and streams the build's log", async () => {
    const { fake } = renderPanel(buildFixture());
    await screen.findByRole("heading", { name: "rpi4-lab v3" });
    expect(fake.active("BuildUpdated").payload.variables).toEqual({ buildId: "build-1" });
    expect(fake.active("BuildLog").payload.variables).toEqual({ buildId: "build-1", after: 0 });

    act(() =>
      fake.active("BuildUpdated").sink.next({
        data: {
          buildUpdated: buildFixture({
            status: "SUCCEEDED",
            progress: 1,
            etaSeconds: null,
            finishedAt: "2025-03-01T10:05:00.000Z",
          }),
        },
      }),
    );

    expect(await screen.findByText("Succeeded")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Retry build" })).toBeTruthy();
  });
});
