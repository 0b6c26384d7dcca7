import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";

import { configRoot, readConfig, setConfig } from "@bbos/collab";
import { boardConfigSchemas, type BoardConfigSchemaEntry } from "@bbos/schemas";
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };

import {
  connectAndSync,
  denyEdits,
  offlineProviders,
  receiveFromServer,
  receivePresence,
  serverDoc,
} from "../../../test/offline-provider";
import { renderWithQuery } from "../../../test/render-with-query";
import { parseRequestBody, stubGraphQL } from "../../../test/stub-graphql";
import { BoardPanel, connectionLabel } from "./board-panel";
import { useBoardSelectionStore } from "./board-selection-store";
import { useFieldFocusStore } from "./field-focus-store";

const v1 = boardConfigSchemas["board-config/1"];
const v3 = boardConfigSchemas["board-config/3"];

/** Opens board b1 on `entry`'s schema; operations other than the schema's get `reply`. */
function openBoard(
  entry: BoardConfigSchemaEntry = v1,
  reply: (query: string) => unknown = () => ({}),
) {
  const fetchMock = stubGraphQL((query) =>
    query.includes("query BoardSchema")
      ? {
          data: {
            boardConfigSchema: { id: entry.id, jsonSchema: entry.schema, uiSchema: entry.uiSchema },
          },
        }
      : reply(query),
  );
  useBoardSelectionStore.getState().selectBoard({
    projectId: "p1",
    projectName: "Lab",
    boardId: "b1",
    boardName: "rock-5b lab",
    schemaId: entry.id,
  });
  const providers = offlineProviders();
  const view = renderWithQuery(<BoardPanel createProvider={providers.create} />);
  return { ...view, fetchMock, providers, provider: () => providers.last() };
}

async function hostnameInput(): Promise<HTMLInputElement> {
  const input = await screen.findByLabelText(/^Host name/);
  if (!(input instanceof HTMLInputElement)) throw new Error("the hostname field is no input");
  return input;
}

afterEach(() => {
  useBoardSelectionStore.getState().clearSelection();
});

describe("BoardPanel", () => {
  it("says Connecting… until the first sync, then shows the board's config, live", async () => {
    const { provider } = openBoard();
    expect(await screen.findByText("Connecting…")).toBeTruthy();
    expect(document.querySelector("#root_system_hostname")).toBeNull();

    receiveFromServer(provider(), serverDoc(typical));
    connectAndSync(provider());
    expect((await hostnameInput()).value).toBe("rock5b-lab");
    expect(screen.getByRole("status", { name: "Connection" }).textContent).toBe("Live");
    expect(screen.getByText("Only you")).toBeTruthy();
  });

  it("writes the user's edits to the document, and shows remote edits in the form", async () => {
    const { provider } = openBoard();
    const server = serverDoc(typical);
    receiveFromServer(provider(), server);
    connectAndSync(provider());
    const input = await hostnameInput();

    // Showing the board wrote nothing, not even the schema's defaults.
    expect(Y.encodeStateVector(provider().doc)).toEqual(Y.encodeStateVector(server));

    fireEvent.change(input, { target: { value: "bench-07" } });
    expect(readConfig(provider().doc)).toMatchObject({ system: { hostname: "bench-07" } });

    (configRoot(server).get("system") as Y.Map<unknown>).set("timezone", "UTC");
    receiveFromServer(provider(), server);
    const timezone = document.querySelector<HTMLInputElement>("#root_system_timezone");
    expect(timezone?.value).toBe("UTC");
    expect(input.value).toBe("bench-07");
  });

  it("shows the server's verdict inline, and allows Save version only when it is valid", async () => {
    const message = "Host name: use lower-case letters, digits and hyphens.";
    const { provider } = openBoard(v1, (query) =>
      query.includes("query BoardValidation")
        ? {
            data: {
              board: {
                id: "b1",
                validation: {
                  valid: false,
                  omittedIssueCount: 0,
                  issues: [
                    { path: "/system/hostname", code: "PATTERN", message, severity: "ERROR" },
                  ],
                },
              },
            },
          }
        : {},
    );
    receiveFromServer(provider(), serverDoc(typical));
    connectAndSync(provider());
    await hostnameInput();
    expect(await screen.findByText(message)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Save version" }).disabled).toBe(
      true,
    );
  });

  it("publishes the focused field as a JSON Pointer, and clears it on blur", async () => {
    const { provider } = openBoard();
    receiveFromServer(provider(), serverDoc(typical));
    connectAndSync(provider());
    const input = await hostnameInput();

    fireEvent.focus(input);
    expect(provider().awareness.getLocalState()).toMatchObject({ field: "/system/hostname" });
    fireEvent.blur(input);
    expect(provider().awareness.getLocalState()).toMatchObject({ field: null });
  });

  it("shows the others on the board and marks the field each one edits", async () => {
    const { provider } = openBoard();
    receiveFromServer(provider(), serverDoc(typical));
    connectAndSync(provider());
    await hostnameInput();

    receivePresence(provider(), 4242, {
      user: { id: "u2", login: "alice", color: "#e6194b" },
      field: "/system/hostname",
    });
    const people = screen.getByRole("list", { name: "People on this board" });
    expect(within(people).getByRole("listitem").textContent).toBe("AL");
    expect(within(people).getByRole("listitem").title).toBe("alice, editing /system/hostname");
    const marked = document.querySelector<HTMLElement>(".field-presence");
    expect(marked?.dataset.editors).toBe("alice");
    expect(marked?.querySelector("#root_system_hostname")).not.toBeNull();

    receivePresence(provider(), 4242, null);
    expect(screen.getByText("Only you")).toBeTruthy();
    expect(document.querySelector(".field-presence")).toBeNull();
  });

  it("renders a read-only board disabled, with the server's reason", async () => {
    const { provider } = openBoard();
    receiveFromServer(provider(), serverDoc(typical));
    act(() => provider().emit("status", [{ status: "connected" }]));
    denyEdits(provider(), "read-only: your role in this project does not allow editing");
    act(() => provider().emit("sync", [true]));

    expect((await hostnameInput()).disabled).toBe(true);
    expect(screen.getByRole("note").textContent).toBe(
      "Read-only: your role in this project does not allow editing",
    );
  });

  it("sets a secret on the open board through the API, and shows the reference the server writes", async () => {
    const { provider, fetchMock } = openBoard(v3, () => ({
      data: { setSecret: { validation: { issues: [] } } },
    }));
    const wifi = {
      board: "rock-5b",
      os: typical.os,
      system: { hostname: "lab" },
      network: { wifi: { ssid: "lab" } },
    };
    const server = serverDoc(wifi);
    receiveFromServer(provider(), server);
    connectAndSync(provider());
    const input = await screen.findByLabelText("New value for Passphrase");

    fireEvent.focus(input);
    expect(provider().awareness.getLocalState()).toMatchObject({ field: "/network/wifi/psk" });
    fireEvent.change(input, { target: { value: "correct horse battery" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const setSecretCalls = () =>
      fetchMock.mock.calls
        .map(([, init]) => parseRequestBody(init))
        .filter((body) => body.query.includes("mutation SetSecret"));
    await waitFor(() => expect(setSecretCalls()).toHaveLength(1));
    expect(setSecretCalls()[0]?.variables).toEqual({
      input: { boardId: "b1", field: "/network/wifi/psk", value: "correct horse battery" },
    });
    // The client wrote nothing into the document: the reference is the server's to write.
    expect(Y.encodeStateVector(provider().doc)).toEqual(Y.encodeStateVector(server));

    const reference = { secretId: "0b7f9a52-4c1e-4d8a-9e3b-2f6c8d1a7e45", revision: 1 };
    setConfig(server, { ...wifi, network: { wifi: { ssid: "lab", psk: reference } } });
    receiveFromServer(provider(), server);
    expect(await screen.findByText("Set · revision 1")).toBeTruthy();
  });

  it("focuses a field asked for before the board loaded once its form shows, and only then", async () => {
    const withFiles = {
      ...typical,
      files: [
        { fileId: "f_motd", path: "/etc/motd" },
        { fileId: "f_issue", path: "/etc/issue" },
      ],
    };
    const { provider } = openBoard();
    // The Explorer opens a board and asks for one of its fields in the same moment.
    act(() => useFieldFocusStore.getState().focusField("/files/1"));
    await screen.findByText("Connecting…");
    expect(useFieldFocusStore.getState().request?.pointer).toBe("/files/1");

    receiveFromServer(provider(), serverDoc(withFiles));
    connectAndSync(provider());
    await waitFor(() => expect(document.activeElement?.id).toBe("root_files_1_fileId"));
    expect(useFieldFocusStore.getState().request).toBeNull();

    // A handled request is not replayed when another board opens.
    act(() => (document.activeElement as HTMLElement).blur());
    act(() =>
      useBoardSelectionStore.getState().selectBoard({
        projectId: "p1",
        projectName: "Lab",
        boardId: "b2",
        boardName: "second",
        schemaId: v1.id,
      }),
    );
    receiveFromServer(provider(), serverDoc(withFiles));
    connectAndSync(provider());
    await screen.findByDisplayValue("/etc/issue");
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(document.activeElement).toBe(document.body);
  });

  it("says Reconnecting… and then Offline, keeping the form and its edits", async () => {
    const { provider } = openBoard();
    receiveFromServer(provider(), serverDoc(typical));
    connectAndSync(provider());
    const input = await hostnameInput();
    const line = () => screen.getByRole("status", { name: "Connection" }).textContent;

    act(() => provider().emit("connection-close", [null, provider()]));
    expect(line()).toBe("Reconnecting…");
    for (let attempt = 0; attempt < 2; attempt++) {
      act(() => provider().emit("connection-close", [null, provider()]));
    }
    expect(line()).toBe("Offline (edits kept)");
    fireEvent.change(input, { target: { value: "offline-edit" } });
    expect(readConfig(provider().doc)).toMatchObject({ system: { hostname: "offline-edit" } });
  });
});

describe("connectionLabel", () => {
  const base = { status: "connecting", synced: false, loaded: false, closedReason: null } as const;

  it("names each state of the connection", () => {
    expect(connectionLabel(base).label).toBe("Connecting…");
    expect(connectionLabel({ ...base, loaded: true }).label).toBe("Reconnecting…");
    expect(connectionLabel({ ...base, status: "connected", loaded: true }).label).toBe(
      "Reconnecting…",
    );
    expect(connectionLabel({ ...base, status: "connected", synced: true }).label).toBe("Live");
    expect(connectionLabel({ ...base, status: "disconnected", loaded: true }).label).toBe(
      "Offline (edits kept)",
    );
    expect(
      connectionLabel({ ...base, status: "disconnected", closedReason: "you are not signed in" }),
    ).toEqual({ label: "Disconnected: you are not signed in", tone: "bad" });
  });
});
