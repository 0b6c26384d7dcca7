import { useQuery } from "@tanstack/react-query";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { parseRequestBody, stubGraphQL } from "../../../test/stub-graphql";
import { renderWithQuery } from "../../../test/render-with-query";
import { buildFixture, recipesData } from "./build-fixtures";
import { boardBuildsQueryOptions, BUILDS_PAGE_SIZE, useBuildsLive } from "./build-operations";
import { useBuildSelectionStore } from "./build-selection-store";
import { BuildsPanel } from "./builds-panel";
import { createFakeLiveClient } from "./fake-live-client";
import type { LiveClient } from "../live/live-client";

const queued = buildFixture({
  id: "b-queued",
  status: "QUEUED",
  stage: null,
  progress: 0,
  queuePosition: 2,
  etaSeconds: null,
  startedAt: null,
  version: { id: "v4", number: 4 },
});
const running = buildFixture({ id: "b-running" });
const succeeded = buildFixture({
  id: "b-done",
  status: "SUCCEEDED",
  stage: "image",
  progress: 1,
  etaSeconds: null,
  startedAt: "2025-03-01T09:00:00.000Z",
  finishedAt: "2025-03-01T09:04:12.000Z",
  version: { id: "v2", number: 2 },
});

/**
 * The `builds` page the server gives for `first` and `after`: the builds after the cursor (a
 * build's id here), newest first as `nodes` lists them.
 */
function buildsData(
  nodes: ReturnType<typeof buildFixture>[],
  variables: Record<string, unknown> | undefined,
) {
  const first = Number(variables?.first);
  const start = variables?.after ? nodes.findIndex((node) => node.id === variables.after) + 1 : 0;
  const page = nodes.slice(start, start + first);
  return {
    builds: {
      totalCount: nodes.length,
      pageInfo: { hasNextPage: start + first < nodes.length, endCursor: page.at(-1)?.id ?? null },
      edges: page.map((node) => ({ cursor: node.id, node })),
    },
  };
}

function stubApi(nodes = [queued, running, succeeded]) {
  return stubGraphQL((query, variables) => {
    if (query.includes("query ProjectBuilds")) return { data: buildsData(nodes, variables) };
    if (query.includes("query BuildRecipes")) return { data: recipesData };
    throw new Error(`unexpected query ${query}`);
  });
}

afterEach(() => useBuildSelectionStore.getState().clear());

const rowOf = (text: string) => {
  const row = screen.getByRole("button", { name: text }).closest("tr");
  if (!row) throw new Error(`no row for ${text}`);
  return within(row);
};

describe("BuildsPanel", () => {
  it("asks for a project when none is open", () => {
    renderWithQuery(<BuildsPanel projectId={null} client={createFakeLiveClient().client} />);
    expect(screen.getByText("Open a board to see its project's builds.")).toBeTruthy();
  });

  it("says when the project has no builds", async () => {
    stubApi([]);
    renderWithQuery(<BuildsPanel projectId="p1" client={createFakeLiveClient().client} />);
    expect(await screen.findByText("No builds yet.")).toBeTruthy();
  });

  it("lists statuses in words, queue position, time left, duration and progress", async () => {
    stubApi();
    renderWithQuery(<BuildsPanel projectId="p1" client={createFakeLiveClient().client} />);

    await screen.findByRole("button", { name: "rpi4-lab v4" });
    const queuedRow = rowOf("rpi4-lab v4");
    expect(queuedRow.getByText("Queued")).toBeTruthy();
    expect(queuedRow.getByText("Queue position 2")).toBeTruthy();

    const runningRow = rowOf("rpi4-lab v3");
    expect(runningRow.getByText("Running")).toBeTruthy();
    expect(runningRow.getByText("about 3 min left")).toBeTruthy();
    expect(runningRow.getByText("alice", { exact: false })).toBeTruthy();
    const bar = runningRow.getByRole("progressbar", { name: "Progress of rpi4-lab v3" });
    expect(bar.getAttribute("aria-valuenow")).toBe("45");
    expect(await runningRow.findByText("Compile kernel")).toBeTruthy();
    expect(runningRow.getByText("Debian image")).toBeTruthy();

    const doneRow = rowOf("rpi4-lab v2");
    expect(doneRow.getByText("Succeeded")).toBeTruthy();
    expect(doneRow.getByText("Took 4 min 12 s")).toBeTruthy();
  });

  it("selects a build when its row is clicked", async () => {
    stubApi();
    renderWithQuery(<BuildsPanel projectId="p1" client={createFakeLiveClient().client} />);

    fireEvent.click(await screen.findByRole("button", { name: "rpi4-lab v3" }));

    expect(useBuildSelectionStore.getState().selectedBuildId).toBe("b-running");
    expect(screen.getByRole("button", { name: "rpi4-lab v3" }).getAttribute("aria-pressed")).toBe(
      "true",
    );
  });

  it("filters by status through the API", async () => {
    const fetchMock = stubApi();
    renderWithQuery(<BuildsPanel projectId="p1" client={createFakeLiveClient().client} />);
    await screen.findByRole("button", { name: "rpi4-lab v3" });

    fireEvent.change(screen.getByRole("combobox", { name: "Status" }), {
      target: { value: "FAILED" },
    });

    await waitFor(() => {
      const variables = fetchMock.mock.calls
        .map(([, init]) => parseRequestBody(init))
        .filter((body) => body.query.includes("query ProjectBuilds"))
        .map((body) => body.variables);
      expect(variables).toContainEqual({
        projectId: "p1",
        filter: { status: ["FAILED"] },
        first: BUILDS_PAGE_SIZE,
        after: null,
      });
    });
  });

  it("updates a row from buildsUpdated without refetching", async () => {
    const fetchMock = stubApi();
    const fake = createFakeLiveClient();
    renderWithQuery(<BuildsPanel projectId="p1" client={fake.client} />);
    await screen.findByRole("button", { name: "rpi4-lab v3" });
    expect(fake.active("BuildsUpdated").payload.variables).toEqual({ projectId: "p1" });
    const requests = fetchMock.mock.calls.length;

    act(() =>
      fake.active("BuildsUpdated").sink.next({
        data: { buildsUpdated: { ...running, progress: 0.8, stage: "rootfs", etaSeconds: 30 } },
      }),
    );

    const row = rowOf("rpi4-lab v3");
    await waitFor(() =>
      expect(row.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("80"),
    );
    expect(row.getByText("Assemble root filesystem")).toBeTruthy();
    expect(row.getByText("less than a minute left")).toBeTruthy();
    expect(fetchMock.mock.calls.length).toBe(requests);
  });

  it("refetches the list when buildsUpdated brings a build it lacks", async () => {
    const fetchMock = stubApi();
    const fake = createFakeLiveClient();
    renderWithQuery(<BuildsPanel projectId="p1" client={fake.client} />);
    await screen.findByRole("button", { name: "rpi4-lab v3" });
    const listRequests = () =>
      fetchMock.mock.calls.filter(([, init]) =>
        parseRequestBody(init).query.includes("query ProjectBuilds"),
      ).length;
    expect(listRequests()).toBe(1);

    act(() =>
      fake.active("BuildsUpdated").sink.next({
        data: { buildsUpdated: { ...queued, id: "b-new" } },
      }),
    );

    await waitFor(() => expect(listRequests()).toBe(2));
  });

  it("loads older builds a page at a time, until all are shown", async () => {
    // Two full pages and a few more, newest (highest version) first.
    const total = 2 * BUILDS_PAGE_SIZE + 3;
    const nodes = Array.from({ length: total }, (_, index) =>
      buildFixture({
        id: `b-${total - index}`,
        status: "SUCCEEDED",
        version: { id: `v-${total - index}`, number: total - index },
      }),
    );
    const fetchMock = stubApi(nodes);
    const fake = createFakeLiveClient();
    renderWithQuery(<BuildsPanel projectId="p1" client={fake.client} />);
    const versionsShown = () =>
      screen
        .getAllByRole("button", { name: /^rpi4-lab v\d+$/ })
        .map((button) => Number(button.textContent.replace("rpi4-lab v", "")));
    const newest = (count: number) => nodes.slice(0, count).map((node) => node.version.number);

    await screen.findByRole("button", { name: `rpi4-lab v${total}` });
    expect(versionsShown()).toEqual(newest(BUILDS_PAGE_SIZE));

    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(versionsShown()).toEqual(newest(2 * BUILDS_PAGE_SIZE)));

    fireEvent.click(await screen.findByRole("button", { name: "Load more" }));
    await waitFor(() => expect(versionsShown()).toEqual(newest(total)));
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();

    // Each page continued after the last build of the one before.
    const afters = fetchMock.mock.calls
      .map(([, init]) => parseRequestBody(init))
      .filter((body) => body.query.includes("query ProjectBuilds"))
      .map((body) => body.variables?.after);
    expect(afters).toEqual([
      null,
      `b-${total - BUILDS_PAGE_SIZE + 1}`,
      `b-${total - 2 * BUILDS_PAGE_SIZE + 1}`,
    ]);

    // A build on a later page is updated in place too.
    const requests = fetchMock.mock.calls.length;
    act(() =>
      fake.active("BuildsUpdated").sink.next({
        data: { buildsUpdated: { ...nodes.at(-1), status: "FAILED" } },
      }),
    );
    await waitFor(() => expect(rowOf("rpi4-lab v1").getByText("Failed")).toBeTruthy());
    expect(versionsShown()).toEqual(newest(total));
    expect(fetchMock.mock.calls.length).toBe(requests);
  });
});

describe("a board's builds list", () => {
  function BoardBuilds({ client }: { client: LiveClient }) {
    useBuildsLive("p1", client);
    const builds = useQuery(boardBuildsQueryOptions("p1", "board-1"));
    return <p>{builds.data?.map((build) => `${build.id}:${build.status}`).join(" ")}</p>;
  }

  it("follows its board's builds from buildsUpdated, and no other board's", async () => {
    const fetchMock = stubGraphQL(() => ({
      data: { builds: { totalCount: 1, edges: [{ cursor: running.id, node: running }] } },
    }));
    const fake = createFakeLiveClient();
    renderWithQuery(<BoardBuilds client={fake.client} />);
    await screen.findByText("b-running:RUNNING");
    expect(parseRequestBody(fetchMock.mock.calls[0]?.[1]).variables).toMatchObject({
      projectId: "p1",
      filter: { boardId: "board-1" },
    });
    const push = (build: ReturnType<typeof buildFixture>) =>
      act(() => fake.active("BuildsUpdated").sink.next({ data: { buildsUpdated: build } }));

    push({ ...running, status: "SUCCEEDED" });
    await screen.findByText("b-running:SUCCEEDED");
    // A new build of another board does not concern this list; one of this board does.
    push(buildFixture({ id: "b-other", board: { id: "board-2", name: "gw" } }));
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(fetchMock.mock.calls.length).toBe(1);
    push(buildFixture({ id: "b-new" }));
    await waitFor(() => expect(fetchMock.mock.calls.length).toBe(2));
  });
});
