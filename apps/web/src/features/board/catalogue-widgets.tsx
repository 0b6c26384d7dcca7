// Choices from the hardware catalogue in the config form: the board, and what the chosen board
// accepts (recipes, kernel branches, releases for the recipe, overlays for the branch), instead of
// free text that the server can only reject afterwards. The server derives the choices with the
// same core functions its validation uses.
import {
  ariaDescribedByIds,
  getUiOptions,
  optionId,
  type FieldProps,
  type WidgetProps,
} from "@rjsf/utils";
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useId } from "react";

import { catalogueQueryOptions, type CatalogueBoard } from "../explorer/explorer-operations";

/** What the config chooses now (its live form data), for the widgets whose choices depend on it. */
export interface ChosenBoard {
  /** The catalogue id `board` names. */
  boardId: string | undefined;
  /** `build.recipe` as the config stores it (`debian`, `armbian`). */
  recipe: string;
  /** `os.branch`. */
  branch: string | undefined;
}

/** The recipe a config without `build.recipe` gets: the schemas' default. */
export const DEFAULT_RECIPE = "debian";

/** Set by the board form from its live data; the widgets below read their choices through it. */
export const ChosenBoardContext = createContext<ChosenBoard>({
  boardId: undefined,
  recipe: DEFAULT_RECIPE,
  branch: undefined,
});

/** The chosen board's catalogue entry (undefined while none is chosen or loaded), and the choice. */
function useChosenBoard(): ChosenBoard & { board: CatalogueBoard | undefined } {
  const chosen = useContext(ChosenBoardContext);
  const catalogue = useQuery(catalogueQueryOptions());
  return { ...chosen, board: catalogue.data?.find((board) => board.id === chosen.boardId) };
}

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

/** One choice of a {@link ChoiceSelect}: the stored value and what the user reads. */
interface Choice {
  value: string;
  label: string;
}

/**
 * A select of the choices for a string field. A stored value not among them stays visible as a
 * choice of its own (named by `unknown`), so nothing is lost and the server's error beside it
 * makes sense. With `empty`, a first choice of that label leaves the field unset.
 */
export function ChoiceSelect({
  widget,
  choices,
  empty,
  unknown = (value) => value,
}: {
  widget: WidgetProps;
  choices: readonly Choice[];
  empty?: string;
  unknown?: (value: string) => string;
}) {
  const { id, disabled, readonly, onChange, onBlur, onFocus } = widget;
  const value: unknown = widget.value;
  const current = typeof value === "string" ? value : "";
  const first = empty === undefined ? [] : [{ value: "", label: empty }];
  const offered = [...first, ...choices].some((choice) => choice.value === current);
  const all = [
    ...first,
    ...(offered ? [] : [{ value: current, label: unknown(current) }]),
    ...choices,
  ];
  return (
    <select
      id={id}
      className="form-control"
      value={current}
      disabled={disabled || readonly}
      aria-describedby={ariaDescribedByIds(id)}
      onChange={(event) =>
        onChange(empty !== undefined && event.target.value === "" ? undefined : event.target.value)
      }
      onBlur={(event) => onBlur(id, event.target.value)}
      onFocus={(event) => onFocus(id, event.target.value)}
    >
      {all.map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.label}
        </option>
      ))}
    </select>
  );
}

/** The schema's own widget for the field: free text, where the catalogue has no choices. */
function TextFallback(props: WidgetProps) {
  const TextWidget = props.registry.widgets["TextWidget"];
  return TextWidget ? <TextWidget {...props} /> : null;
}

/** The kernel branches the chosen board supports, as a choice; free text while none is chosen. */
export function KernelBranchWidget(props: WidgetProps) {
  const { board } = useChosenBoard();
  if (!board) return <TextFallback {...props} />;
  return (
    <ChoiceSelect
      widget={props}
      choices={board.branches.map((branch) => ({ value: branch, label: branch }))}
    />
  );
}

/**
 * The releases the chosen board accepts with the config's recipe, in the catalogue's order, those
 * Armbian builds only in expert mode marked; free text while no board is chosen, or when the
 * board offers none with the recipe (the recipe's own error says why).
 */
export function OsReleaseWidget(props: WidgetProps) {
  const { board, recipe } = useChosenBoard();
  const releases = board?.releases.filter((release) => release.recipe === recipe.toUpperCase());
  if (!releases || releases.length === 0) return <TextFallback {...props} />;
  return (
    <ChoiceSelect
      widget={props}
      choices={releases.map((release) => ({
        value: release.name,
        label: release.expert ? `${release.name} (Armbian expert mode)` : release.name,
      }))}
    />
  );
}

/**
 * The recipes that can build the chosen board, named as the schema names them (a stored recipe
 * the board cannot use among them, for the server's error); all of them while none is chosen.
 */
export function BuildRecipeWidget(props: WidgetProps) {
  const { board } = useChosenBoard();
  const value: unknown = props.value;
  const usable = (props.options.enumOptions ?? []).filter(
    (option) =>
      !board ||
      option.value === value ||
      board.recipes.some((recipe) => recipe === String(option.value).toUpperCase()),
  );
  return (
    <ChoiceSelect
      widget={props}
      choices={usable.map((option) => ({ value: String(option.value), label: option.label }))}
    />
  );
}

/**
 * `kernel.overlays` as a list of checkboxes, one per overlay that loads on the chosen board with
 * the chosen kernel branch; checking one appends it, so the config keeps the order overlays were
 * chosen in. A stored name the list lacks stays shown (checked) until unchecked, so the server's
 * error makes sense. Where the catalogue does not know the branch's overlays, or no board is
 * chosen, the form's ordinary list of free-text entries.
 */
export function KernelOverlaysField(props: FieldProps) {
  const { board, branch } = useChosenBoard();
  const names = board?.overlays.find((entry) => entry.branch === branch)?.names;
  const ArrayField = props.registry.fields["ArrayField"];
  if (!board || !names) return ArrayField ? <ArrayField {...props} /> : null;

  const { schema, uiSchema, registry, fieldPathId, disabled, readonly, onChange, onBlur, onFocus } =
    props;
  const id = fieldPathId.$id;
  const formData: unknown = props.formData;
  const selected = Array.isArray(formData)
    ? formData.filter((name): name is string => typeof name === "string")
    : [];
  const title =
    getUiOptions(uiSchema, registry.globalUiOptions).title ?? schema.title ?? props.name;
  const unknown = selected.filter((name) => !names.includes(name));
  const prefixNote = `${id}__prefix`;
  // The server's messages for an entry sit at its index (`/kernel/overlays/1`).
  const errorsOf = (name: string): string[] =>
    (props.errorSchema as Record<string, { __errors?: string[] } | undefined> | undefined)?.[
      String(selected.indexOf(name))
    ]?.__errors ?? [];
  const toggle = (name: string, checked: boolean) =>
    onChange(
      checked ? [...selected, name] : selected.filter((entry) => entry !== name),
      fieldPathId.path,
    );
  return (
    <fieldset
      id={id}
      className="overlay-choices"
      aria-describedby={board.overlayPrefix ? prefixNote : undefined}
    >
      <legend>{title}</legend>
      {board.overlayPrefix && (
        <p id={prefixNote} className="field-description">
          {`On ${board.name} an overlay named n loads as ${board.overlayPrefix}-n.dtbo; choose it by its name alone.`}
        </p>
      )}
      {names.length === 0 && (
        <p className="muted">{`The ${branch ?? ""} kernel builds no overlays for ${board.name}.`}</p>
      )}
      <div className="overlay-choices__list">
        {[...unknown, ...names].map((name, index) => {
          const errors = selected.includes(name) ? errorsOf(name) : [];
          const errorsId = `${optionId(id, index)}__error`;
          return (
            <div key={name} className="checkbox">
              <label>
                <input
                  type="checkbox"
                  id={optionId(id, index)}
                  checked={selected.includes(name)}
                  disabled={disabled || readonly}
                  aria-describedby={errors.length > 0 ? errorsId : undefined}
                  onChange={(event) => toggle(name, event.target.checked)}
                  onFocus={() => onFocus(id, selected)}
                  onBlur={() => onBlur(id, selected)}
                />
                <span>
                  {unknown.includes(name) ? `${name} (not built for this board and branch)` : name}
                </span>
              </label>
              {errors.length > 0 && (
                <ul id={errorsId} className="error-detail">
                  {errors.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
