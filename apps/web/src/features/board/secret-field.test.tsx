import type { UiSchema } from "@rjsf/utils";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { boardConfigSchemas } from "@bbos/schemas";

import { EMPTY_CATALOGUE, renderWithQuery } from "../../../test/render-with-query";
import { parseRequestBody, stubGraphQL } from "../../../test/stub-graphql";
import { BoardConfigForm } from "./board-config-form";

const { schema, uiSchema } = boardConfigSchemas["board-config/3"];

const SECRET_ID = "0b7f9a52-4c1e-4d8a-9e3b-2f6c8d1a7e45";
const PASSPHRASE = "correct horse battery";

/** A v3 config with Wi-Fi and one user, optionally with a Wi-Fi passphrase reference. */
function v3Config(psk?: { secretId: string; revision: number }): Record<string, unknown> {
  return {
    board: "rock-5b",
    os: { release: "trixie", branch: "current", variant: "server" },
    system: { hostname: "rock", users: [{ name: "alice" }] },
    network: { wifi: { ssid: "lab", ...(psk && { psk }) } },
  };
}

/** The form on board b1; `show` plays a new config arriving through the board's document. */
function renderForm(config: Record<string, unknown>, { disabled = false } = {}) {
  const onChange = vi.fn();
  const form = (current: Record<string, unknown>) => (
    <BoardConfigForm
      boardId="b1"
      projectId="p1"
      schema={schema}
      uiSchema={uiSchema as UiSchema}
      config={current}
      onChange={onChange}
      disabled={disabled}
    />
  );
  const view = renderWithQuery(form(config), { seed: [EMPTY_CATALOGUE] });
  const show = (next: Record<string, unknown>) => view.rerender(form(next));
  return { ...view, onChange, show };
}

/** The secret field whose input is labelled "New value for `title`". */
function secretField(title: string) {
  const input = screen.getByLabelText(`New value for ${title}`);
  if (!(input instanceof HTMLInputElement)) throw new Error(`${title} has no input`);
  const field = input.closest<HTMLElement>(".form-group");
  if (!field) throw new Error(`${title} is not inside a form group`);
  return { input, field, ...within(field) };
}

/** What the answer to a setSecret call says about the value. */
function setSecretReply(messages: string[] = []) {
  return {
    data: { setSecret: { validation: { issues: messages.map((message) => ({ message })) } } },
  };
}

function sentInputs(fetchMock: ReturnType<typeof stubGraphQL>): unknown[] {
  return fetchMock.mock.calls.map(([, init]) => parseRequestBody(init).variables?.["input"]);
}

describe("SecretField", () => {
  it("shows whether a secret is set, with its label and help once, never a value", () => {
    renderForm(v3Config({ secretId: SECRET_ID, revision: 3 }));

    const psk = secretField("Passphrase");
    expect(psk.input.type).toBe("password");
    expect(psk.input.autocomplete).toBe("new-password");
    expect(psk.input.value).toBe("");
    expect(psk.getByText("Set · revision 3")).toBeTruthy();
    expect(psk.getAllByText("Passphrase")).toHaveLength(1);
    expect(psk.getAllByText("Leave unset for an open network.")).toHaveLength(1);
    expect(psk.getByRole("button", { name: "Save" })).toBeTruthy();
    expect(psk.getByRole("button", { name: "Clear" })).toBeTruthy();

    const hash = secretField("Password hash");
    expect(hash.getByText("Not set")).toBeTruthy();
    expect(hash.queryByRole("button", { name: "Clear" })).toBeNull();
    expect(hash.input.placeholder).toBe("$y$j9T$…");
  });

  it("adds no validation error for a set or an unset secret as the user edits", () => {
    const config = v3Config({ secretId: SECRET_ID, revision: 3 });
    const { container, onChange } = renderForm(config);

    const hostname = container.querySelector<HTMLInputElement>("#root_system_hostname");
    if (!hostname) throw new Error("no hostname input");
    fireEvent.change(hostname, { target: { value: "rock-2" } });

    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange.mock.calls[0]?.[0]).toMatchObject({ network: config["network"] });
    expect(container.querySelectorAll(".has-error, .error-detail")).toHaveLength(0);
  });

  it("sends the typed value to setSecret only, then shows the reference the server writes", async () => {
    const fetchMock = stubGraphQL(() => setSecretReply());
    const { container, onChange, show } = renderForm(v3Config());

    const psk = secretField("Passphrase");
    fireEvent.change(psk.input, { target: { value: PASSPHRASE } });
    // Typed, the value is the input's alone: not in the markup, not in the form's data.
    expect(container.innerHTML).not.toContain(PASSPHRASE);
    fireEvent.click(psk.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    expect(sentInputs(fetchMock)).toEqual([
      { boardId: "b1", field: "/network/wifi/psk", value: PASSPHRASE },
    ]);
    expect(psk.input.value).toBe("");
    await waitFor(() => expect(psk.input.disabled).toBe(false));

    // The server writes the reference into the board's document.
    show(v3Config({ secretId: SECRET_ID, revision: 1 }));
    expect(psk.getByText("Set · revision 1")).toBeTruthy();
    expect(onChange).not.toHaveBeenCalled();
    expect(container.innerHTML).not.toContain(PASSPHRASE);
    expect(psk.queryByRole("alert")).toBeNull();
  });

  it("saves on Enter too, naming a user's password hash by its index", async () => {
    const fetchMock = stubGraphQL(() => setSecretReply());
    renderForm(v3Config());

    const hash = secretField("Password hash");
    fireEvent.change(hash.input, { target: { value: "$y$j9T$abc$def" } });
    fireEvent.keyDown(hash.input, { key: "Enter" });

    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    expect(sentInputs(fetchMock)).toEqual([
      { boardId: "b1", field: "/system/users/0/passwordHash", value: "$y$j9T$abc$def" },
    ]);
  });

  it("shows the server's validation messages, or its GraphQL error, beside the field", async () => {
    const replies = [
      setSecretReply(["must NOT have fewer than 8 characters"]),
      {
        data: null,
        errors: [{ message: "The board is archived", extensions: { code: "CONFLICT" } }],
      },
    ];
    stubGraphQL(() => replies.shift());
    renderForm(v3Config());
    const psk = secretField("Passphrase");

    fireEvent.change(psk.input, { target: { value: "short" } });
    fireEvent.click(psk.getByRole("button", { name: "Save" }));
    expect((await psk.findByRole("alert")).textContent).toBe(
      "must NOT have fewer than 8 characters",
    );
    expect(psk.getByText("Not set")).toBeTruthy();

    fireEvent.change(psk.input, { target: { value: PASSPHRASE } });
    fireEvent.click(psk.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(psk.getByRole("alert").textContent).toBe("The board is archived"));
  });

  it("clears a set secret with a null value", async () => {
    const fetchMock = stubGraphQL(() => setSecretReply());
    renderForm(v3Config({ secretId: SECRET_ID, revision: 2 }));

    fireEvent.click(secretField("Passphrase").getByRole("button", { name: "Clear" }));

    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    expect(sentInputs(fetchMock)).toEqual([
      { boardId: "b1", field: "/network/wifi/psk", value: null },
    ]);
  });

  it("is disabled on a read-only board", () => {
    renderForm(v3Config({ secretId: SECRET_ID, revision: 2 }), { disabled: true });

    const psk = secretField("Passphrase");
    fireEvent.change(psk.input, { target: { value: PASSPHRASE } });
    expect(psk.input.disabled).toBe(true);
    expect(psk.getByRole<HTMLButtonElement>("button", { name: "Save" }).disabled).toBe(true);
    expect(psk.getByRole<HTMLButtonElement>("button", { name: "Clear" }).disabled).toBe(true);
  });

  it("is disabled while the request runs", async () => {
    const fetchMock = vi.fn(() => new Promise<Response>(() => undefined));
    vi.stubGlobal("fetch", fetchMock);
    renderForm(v3Config({ secretId: SECRET_ID, revision: 2 }));

    const psk = secretField("Passphrase");
    fireEvent.change(psk.input, { target: { value: PASSPHRASE } });
    fireEvent.click(psk.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(psk.input.disabled).toBe(true));
    expect(psk.getByRole<HTMLButtonElement>("button", { name: "Save" }).disabled).toBe(true);
    expect(psk.getByRole<HTMLButtonElement>("button", { name: "Clear" }).disabled).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
