import { act, screen } from "@testing-library/react";
import type { FormattedExecutionResult, Sink } from "graphql-ws/client";
import { describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { stubGraphQL } from "../../../test/stub-graphql";
import { StatusBar } from "./status-bar";

// The status bar uses the app's shared graphql-ws client; swap it for one the test drives.
const live = vi.hoisted(() => ({ sinks: [] as Sink<FormattedExecutionResult<unknown>>[] }));
vi.mock("../live/live-client", () => ({
  getLiveClient: () => ({
    subscribe: (_payload: unknown, sink: Sink<FormattedExecutionResult<unknown>>) => {
      live.sinks.push(sink);
      return () => undefined;
    },
  }),
}));

describe("StatusBar", () => {
  it("shows API health and version", async () => {
    stubGraphQL(() => ({ data: { health: { status: "OK", version: "0.1.0" } } }));

    renderWithQuery(<StatusBar />);

    expect(screen.getByText("API: checking…")).toBeTruthy();
    expect(await screen.findByText("API: ok · v0.1.0")).toBeTruthy();
  });

  it("links the artifact signing key and flags a development key", async () => {
    stubGraphQL((query) =>
      query.includes("signingKey")
        ? {
            data: {
              signingKey: { keyId: "1F2E3D4C5B6A7980", publicKey: "RWQ…", development: true },
            },
          }
        : { data: { health: { status: "OK", version: "0.1.0" } } },
    );

    renderWithQuery(<StatusBar />);

    const link = await screen.findByText("Signing key 1F2E3D4C5B6A7980 (development)");
    expect(link.getAttribute("href")).toBe("/.well-known/bbos/minisign.pub");
    expect(link.getAttribute("title")).toContain("SIGNING_KEY_FILE");
  });

  it("says the API is unreachable when the health query fails", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new TypeError("Failed to fetch"))),
    );

    renderWithQuery(<StatusBar />);

    const item = await screen.findByText("API: unreachable");
    expect(item.getAttribute("title")).toBe("Could not reach the API");
  });

  it("shows the server time pushed over the subscription", async () => {
    stubGraphQL(() => ({ data: { health: { status: "OK", version: "0.1.0" } } }));
    renderWithQuery(<StatusBar />);
    expect(screen.getByText("Live: connecting…")).toBeTruthy();

    act(() => live.sinks.at(-1)?.next({ data: { serverTime: "2025-01-01T12:00:00.000Z" } }));

    const time = await screen.findByText((_content, element) => element?.tagName === "TIME");
    expect(time.getAttribute("dateTime")).toBe("2025-01-01T12:00:00.000Z");
  });
});
