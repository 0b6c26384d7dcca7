import type { UiSchema } from "@rjsf/utils";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";

import { boardConfigSchemas } from "@bbos/schemas";

import { BoardConfigForm } from "./board-config-form";

const { schema, uiSchema } = boardConfigSchemas["board-config/1"];

function Harness({ initial }: { initial: Record<string, unknown> }) {
  const [config, setConfig] = useState(initial);
  return (
    <BoardConfigForm
      boardId="b1"
      schema={schema}
      uiSchema={uiSchema as UiSchema}
      config={config}
      onChange={setConfig}
    />
  );
}

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

describe("BoardConfigForm", () => {
  it("renders the real board-config schema with its uiSchema", () => {
    const { container } = render(<Harness initial={start} />);
    expect(container.querySelector<HTMLInputElement>("#root_system_hostname")?.value).toBe("rock");
    expect(container.querySelector("#root_board")).not.toBeNull();
    // Secrets use the password widget.
    expect(container.querySelector<HTMLInputElement>("#root_network_wifi_psk")?.type).toBe(
      "password",
    );
  });

  it("shows an inline error beside an invalid hostname, and clears it when fixed", async () => {
    const { container } = render(<Harness initial={start} />);
    const input = container.querySelector<HTMLInputElement>("#root_system_hostname");
    if (!input) throw new Error("no hostname input");

    fireEvent.change(input, { target: { value: "Not_A_Host!" } });
    const field = hostnameField(container);
    expect(await within(field).findByText(/must match pattern/)).toBeTruthy();

    fireEvent.change(input, { target: { value: "rock-5b-01" } });
    await expect(
      within(hostnameField(container)).findByText(/must match pattern/, {}, { timeout: 200 }),
    ).rejects.toThrow();
    expect(screen.queryAllByText(/must match pattern/)).toHaveLength(0);
  });

  it("reports only the user's edits: showing a config, or a new one, never calls onChange", () => {
    const onChange = vi.fn();
    const props = { boardId: "b1", schema, uiSchema: uiSchema as UiSchema, onChange };
    // `start` lacks every optional section, whose defaults the form fills in.
    const { container, rerender } = render(<BoardConfigForm {...props} config={start} />);
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
    const { container } = render(
      <BoardConfigForm
        boardId="b1"
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
});
