// Choices from the hardware catalogue in the config form: the board, and the kernel branches of
// the chosen board, instead of free text that the server can only reject afterwards.
import type { WidgetProps } from "@rjsf/utils";
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useId } from "react";

import { catalogueQueryOptions } from "../explorer/explorer-operations";

/** The catalogue id the config's `board` names now, for the widgets that depend on it. */
export const ChosenBoardContext = createContext<string | undefined>(undefined);

/** The board id, typed or picked from all catalogue boards (name, vendor, SoC, architecture). */
export function CatalogueBoardWidget({
  id,
  value,
  disabled,
  readonly,
  onChange,
  onBlur,
  onFocus,
}: WidgetProps) {
  const catalogue = useQuery(catalogueQueryOptions());
  const listId = useId();
  const chosen = catalogue.data?.find((board) => board.id === value);
  return (
    <>
      <input
        id={id}
        className="form-control"
        type="text"
        list={listId}
        value={typeof value === "string" ? value : ""}
        disabled={disabled || readonly}
        autoComplete="off"
        aria-describedby={`${id}__chosen`}
        onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
        onBlur={(event) => onBlur(id, event.target.value)}
        onFocus={(event) => onFocus(id, event.target.value)}
      />
      <datalist id={listId}>
        {catalogue.data?.map((board) => (
          <option key={board.id} value={board.id}>
            {`${board.name} · ${board.vendor} · ${board.soc} · ${board.architecture.toLowerCase()}`}
          </option>
        ))}
      </datalist>
      <p id={`${id}__chosen`} className="muted catalogue-choice">
        {chosen
          ? `${chosen.name} (${chosen.vendor}, ${chosen.soc}, ${chosen.architecture.toLowerCase()})`
          : catalogue.data && value
            ? "Not a board of the catalogue."
            : ""}
      </p>
    </>
  );
}

/** The kernel branches the chosen board supports, as a choice; free text while none is chosen. */
export function KernelBranchWidget(props: WidgetProps) {
  const { id, disabled, readonly, onChange, onBlur, onFocus, registry } = props;
  const value: unknown = props.value;
  const catalogue = useQuery(catalogueQueryOptions());
  const boardId = useContext(ChosenBoardContext);
  const branches = catalogue.data?.find((board) => board.id === boardId)?.branches;
  if (!branches) {
    const TextWidget = registry.widgets["TextWidget"];
    return TextWidget ? <TextWidget {...props} /> : null;
  }
  const current = typeof value === "string" ? value : "";
  // A stored branch the board does not list stays visible, so the server's error makes sense.
  const choices = branches.includes(current) || current === "" ? branches : [current, ...branches];
  return (
    <select
      id={id}
      className="form-control"
      value={current}
      disabled={disabled || readonly}
      onChange={(event) => onChange(event.target.value)}
      onBlur={(event) => onBlur(id, event.target.value)}
      onFocus={(event) => onFocus(id, event.target.value)}
    >
      {choices.map((branch) => (
        <option key={branch} value={branch}>
          {branch}
        </option>
      ))}
    </select>
  );
}
