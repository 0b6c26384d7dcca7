import { ariaDescribedByIds, descriptionId, getUiOptions, type FieldProps } from "@rjsf/utils";
import { useMutation } from "@tanstack/react-query";
import { createContext, useContext, useRef, useState, type KeyboardEvent } from "react";

import { fieldPathToPointer } from "@bbos/collab";
import { isSecretReference } from "@bbos/schemas";

import { setSecret } from "./secret-operations";

/** The board the form edits; secret fields are set on it through the API. */
export const SecretFieldBoardContext = createContext<string | null>(null);

/**
 * A writeOnly secret field (`"ui:field": "secret"`). The config holds only a reference to the
 * value, so the field shows whether one is set and takes a new value that goes straight to the
 * server (`setSecret`), never into the form's data: the server writes the new reference into
 * the board's document, and the form shows it from there. The form's template renders the
 * field's `ui:help` and its schema errors.
 */
export function SecretField({
  schema,
  uiSchema,
  name,
  formData,
  fieldPathId,
  registry,
  disabled,
  readonly,
  onFocus,
  onBlur,
}: FieldProps) {
  const boardId = useContext(SecretFieldBoardContext);
  if (boardId === null) throw new Error("SecretField needs a SecretFieldBoardContext");
  // Uncontrolled: React copies a controlled input's value into its `value` attribute, which
  // would put the secret into the page's markup while it is typed.
  const input = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState(false);
  const save = useMutation({ mutationFn: setSecret });

  const id = fieldPathId.$id;
  const uiOptions = getUiOptions(uiSchema, registry.globalUiOptions);
  const title = uiOptions.title ?? schema.title ?? name;
  const description = uiOptions.description ?? schema.description;
  const reference = isSecretReference(formData) ? formData : null;
  const locked = Boolean(disabled || readonly) || save.isPending;
  const problems = save.isError ? [save.error.message] : (save.data ?? []);

  // RJSF hands a field its data path, so unlike presence (which has only ids, field-pointer.ts)
  // nothing has to be read back from the id.
  const send = (value: string | null) =>
    save.mutate({ boardId, field: fieldPathToPointer(fieldPathId.path), value });
  const saveTyped = () => {
    const value = input.current?.value ?? "";
    if (value === "") return;
    if (input.current) input.current.value = "";
    setTyped(false);
    send(value);
  };
  const saveOnEnter = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== "Enter") return;
    // Enter saves this value; it must not submit the board form around the field.
    event.preventDefault();
    saveTyped();
  };

  return (
    <div className="secret-field">
      <label className="control-label" htmlFor={id}>
        {title}
      </label>
      {description && (
        <div id={descriptionId(id)} className="field-description">
          {description}
        </div>
      )}
      <p className="secret-field__status" id={`${id}__status`}>
        {reference ? `Set · revision ${reference.revision}` : "Not set"}
      </p>
      <div className="secret-field__controls">
        <input
          ref={input}
          id={id}
          type="password"
          autoComplete="new-password"
          aria-label={`New value for ${title}`}
          aria-describedby={`${id}__status ${ariaDescribedByIds(id)}`}
          placeholder={uiOptions.placeholder}
          disabled={locked}
          onChange={(event) => setTyped(event.currentTarget.value !== "")}
          onKeyDown={saveOnEnter}
          onFocus={() => onFocus(id, formData)}
          onBlur={() => onBlur(id, formData)}
        />
        <button type="button" onClick={saveTyped} disabled={locked || !typed}>
          Save
        </button>
        {reference && (
          <button type="button" onClick={() => send(null)} disabled={locked}>
            Clear
          </button>
        )}
      </div>
      {problems.length > 0 && (
        <p className="error-detail" role="alert">
          {problems.join("; ")}
        </p>
      )}
    </div>
  );
}
