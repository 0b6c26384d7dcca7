import { act, fireEvent, screen } from "@testing-library/react";
import type { Sink } from "graphql-ws";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithQuery } from "../../../test/render-with-query";
import { stubGraphQL } from "../../../test/stub-graphql";
import { useBoardSelectionStore } from "../board/board-selection-store";
import { useFieldFocusStore } from "../board/field-focus-store";
import type { ValidationVerdict } from "./board-validation";
import { ValidationPanel } from "./validation-panel";

/** The one subscription the panel opens, so the test can push verdicts down it. */
const live = vi.hoisted(() => {
  const state = { sinks: [] as Sink[], variables: [] as unknown[] };
  const client = {
    subscribe: (payload: { variables?: unknown }, sink: Sink) => {
      state.sinks.push(sink);
      state.variables.push(payload.variables);
      return () => {
        state.sinks.splice(state.sinks.indexOf(sink), 1);
      };
    },
  };
  return { ...state, client };
});
vi.mock("../live/live-client", () => ({ getLiveClient: () => live.client }));

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
  live.variables.length = 0;
});

const valid: ValidationVerdict = { valid: true, omittedIssueCount: 0, issues: [] };

describe("ValidationPanel", () => {
  it("shows the server's verdict, updated live, and takes the editor to an issue's field", async () => {
    stubGraphQL(() => ({ data: { board: { id: "b1", validation: valid } } }));
    useBoardSelectionStore.getState().selectBoard({
      projectId: "p1",
      projectName: "Gateway",
      boardId: "b1",
      boardName: "gw",
      schemaId: "board-config/3",
    });
    renderWithQuery(<ValidationPanel />);

    expect((await screen.findByText("The config is valid.")).getAttribute("role")).toBe("status");
    expect(live.variables).toEqual([{ boardId: "b1" }]);

    act(() =>
      live.sinks[0]?.next({
        data: {
          boardValidation: {
            valid: false,
            omittedIssueCount: 0,
            issues: [
              {
                path: "/system/hostname",
                code: "PATTERN",
                message: "Use lower-case letters, digits and hyphens",
                severity: "ERROR",
              },
              {
                path: "/kernel/cmdline",
                code: "CONSOLE",
                message: "No serial console",
                severity: "WARNING",
              },
            ],
          },
        },
      }),
    );
    expect(await screen.findByText("1 error to fix before saving a version.")).toBeTruthy();
    expect(screen.getByText("No serial console")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: /Use lower-case letters/ }));
    expect(useFieldFocusStore.getState().request?.pointer).toBe("/system/hostname");
  });

  it("asks for a board when none is open", () => {
    renderWithQuery(<ValidationPanel />);
    expect(screen.getByText("Open a board to see its problems.")).toBeTruthy();
  });
});
