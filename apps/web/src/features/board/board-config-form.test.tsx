import type { UiSchema } from "@rjsf/utils";
import { fireEvent, screen, within } from "@testing-library/react";
import type { ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";

import { boardConfigSchemas } from "@bbos/schemas";

import { catalogueBoard, catalogueSeed } from "../../../test/catalogue-seed";
import { renderBoardForm } from "../../../test/render-board-form";
import { EMPTY_CATALOGUE, renderWithQuery } from "../../../test/render-with-query";
import { issuesToErrorSchema } from "../validation/issue-errors";
import { BoardConfigForm } from "./board-config-form";

const { schema, uiSchema } = boardConfigSchemas["board-config/1"];

const start = {
  board: "rock-5b",
  os: { release: "bookworm", branch: "current", variant: "server" },
  system: { hostname: "rock" },
};

function hostnameField(container: HTMLElement): HTMLElement {
  const input = container.querySelector<HTMLInputElement>("#root_system_hostname");
  if (!input) throw new Error("the form has no hostname input");
  const field = input.closest<HTMLElement>(".form-group");
  if (!field) throw new Error("the hostname input is not inside a form group");
  return field;
}

/** The form's board and branch widgets ask the catalogue; these tests need none of it. */
function renderForm(ui: ReactElement) {
  return renderWithQuery(ui, { seed: [EMPTY_CATALOGUE] });
}

describe("BoardConfigForm", () => {
  it("renders the real board-config schema with its uiSchema", () => {
    const { container } = renderBoardForm(start, {
      schemaId: "board-config/1",
      seed: [EMPTY_CATALOGUE],
    });
    expect(container.querySelector<HTMLInputElement>("#root_system_hostname")?.value).toBe("rock");
    expect(container.querySelector("#root_board")).not.toBeNull();
    // Secrets use the password widget.
    expect(container.querySelector<HTMLInputElement>("#root_network_wifi_psk")?.type).toBe(
      "password",
    );
  });

  it("shows the server's messages beside their fields, and no wording of its own", () => {
    const props = {
      boardId: "b1",
      projectId: "p1",
      schema,
      uiSchema: uiSchema as UiSchema,
      onChange: vi.fn(),
    };
    const { container, rerender } = renderForm(<BoardConfigForm {...props} config={start} />);
    const input = container.querySelector<HTMLInputElement>("#root_system_hostname");
    if (!input) throw new Error("no hostname input");
    fireEvent.change(input, { target: { value: "Not_A_Host!" } });
    // The form itself never judges: Ajv's "must match pattern" never appears.
    expect(screen.queryAllByText(/must match pattern/)).toHaveLength(0);

    const message = "Host name: use lower-case letters, digits and hyphens.";
    rerender(
      <BoardConfigForm
        {...props}
        config={{ ...start, system: { hostname: "Not_A_Host!" } }}
        serverErrors={issuesToErrorSchema([
          { path: "/system/hostname", code: "PATTERN", message, severity: "ERROR" },
        ])}
      />,
    );
    expect(within(hostnameField(container)).getByText(message)).toBeTruthy();

    rerender(<BoardConfigForm {...props} config={start} serverErrors={{}} />);
    expect(screen.queryAllByText(message)).toHaveLength(0);
  });

  it("labels the array buttons with words and shows one help text per field", () => {
    const { container } = renderBoardForm(start, {
      schemaId: "board-config/1",
      seed: [EMPTY_CATALOGUE],
    });
    expect(screen.getAllByRole("button", { name: "Add" }).length).toBeGreaterThan(0);
    const field = hostnameField(container);
    expect(field.querySelector(".help-block")?.textContent).toBe(
      "Lower-case letters, digits and hyphens; up to 63 characters.",
    );
    expect(field.querySelector(".field-description")).toBeNull();
  });

  it("reports only the user's edits: showing a config, or a new one, never calls onChange", () => {
    const onChange = vi.fn();
    const props = {
      boardId: "b1",
      projectId: "p1",
      schema,
      uiSchema: uiSchema as UiSchema,
      onChange,
    };
    // `start` lacks every optional section, whose defaults the form fills in.
    const { container, rerender } = renderForm(<BoardConfigForm {...props} config={start} />);
    rerender(
      <BoardConfigForm {...props} config={{ ...start, system: { hostname: "remote-edit" } }} />,
    );
    const input = container.querySelector<HTMLInputElement>("#root_system_hostname");
    expect(input?.value).toBe("remote-edit");
    expect(onChange).not.toHaveBeenCalled();

    if (!input) throw new Error("no hostname input");
    fireEvent.change(input, { target: { value: "typed" } });
    expect(onChange).toHaveBeenCalledTimes(1);
    // The edit carries the form as shown, defaults included.
    expect(onChange.mock.calls[0]?.[0]).toMatchObject({
      system: { hostname: "typed" },
      kernel: { cmdline: "", overlays: [] },
    });
  });

  it("renders every field disabled when asked", () => {
    const { container } = renderForm(
      <BoardConfigForm
        boardId="b1"
        projectId="p1"
        schema={schema}
        uiSchema={uiSchema as UiSchema}
        config={start}
        onChange={() => undefined}
        disabled
      />,
    );
    const inputs = [...container.querySelectorAll("input, select, textarea")];
    expect(inputs.length).toBeGreaterThan(5);
    expect(inputs.every((element) => (element as HTMLInputElement).disabled)).toBe(true);
  });

  it("offers the catalogue's boards, and the chosen board's kernel branches as a choice", () => {
    const rock5b = catalogueBoard({
      id: "rock-5b",
      name: "ROCK 5B",
      vendor: "Radxa",
      soc: "rk3588",
      supportTier: "STANDARD",
      branches: ["vendor", "current", "edge"],
      recipes: ["ARMBIAN"],
    });
    const { container } = renderBoardForm(start, {
      schemaId: "board-config/1",
      seed: [catalogueSeed(rock5b)],
    });
    const listId = container.querySelector("#root_board")?.getAttribute("list") ?? "";
    const options = [...(document.getElementById(listId)?.querySelectorAll("option") ?? [])];
    expect(options.map((option) => option.textContent)).toEqual([
      "ROCK 5B · Radxa · rk3588 · arm64",
    ]);
    expect(screen.getByText("ROCK 5B (Radxa, rk3588, arm64)")).toBeTruthy();
    const branch = container.querySelector<HTMLSelectElement>("#root_os_branch");
    expect(branch?.tagName).toBe("SELECT");
    expect([...(branch?.options ?? [])].map((option) => option.value)).toEqual([
      "vendor",
      "current",
      "edge",
    ]);
  });

  it("folds the advanced sections, and opens one when the server finds an error in it", () => {
    const props = {
      boardId: "b1",
      projectId: "p1",
      schema,
      uiSchema: uiSchema as UiSchema,
      onChange: vi.fn(),
    };
    const { rerender } = renderForm(<BoardConfigForm {...props} config={start} />);
    const section = (title: string) =>
      screen.getByText(title, { selector: "summary" }).closest("details");
    expect(section("System")?.open).toBe(true);
    expect(section("Image")?.open).toBe(false);

    rerender(
      <BoardConfigForm
        {...props}
        config={start}
        serverErrors={issuesToErrorSchema([
          { path: "/image/sizeMiB", code: "MIN", message: "Too small", severity: "ERROR" },
        ])}
      />,
    );
    expect(section("Image")?.open).toBe(true);
  });
});
