import Form, { getDefaultRegistry } from "@rjsf/core";
import {
  createSchemaUtils,
  type FieldTemplateProps,
  type RJSFSchema,
  type UiSchema,
} from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";
import { createContext, useContext, useMemo, type CSSProperties } from "react";

import { SecretField, SecretFieldBoardContext } from "./secret-field";

/** Board-config schemas are JSON Schema draft 2020-12; RJSF's default Ajv speaks draft-07. */
const validator = customizeValidator({ AjvClass: Ajv2020 });

/** Someone else editing a field, as the form marks it. */
export interface FieldEditor {
  login: string;
  /** A CSS colour (`#rrggbb`). */
  color: string;
}

export interface BoardConfigFormProps {
  /** The board whose config this is: its secret fields are set on it through the API. */
  boardId: string;
  schema: RJSFSchema;
  uiSchema: UiSchema;
  config: Record<string, unknown>;
  /** Called with the whole new data after each edit by the user (never for defaults alone). */
  onChange: (config: Record<string, unknown>) => void;
  /** Every field rendered disabled, e.g. for a read-only board. */
  disabled?: boolean;
  /** RJSF's field id (`root_system_hostname`) of the field that gained focus. */
  onFocusField?: (id: string) => void;
  onBlurField?: (id: string) => void;
  /** Fields others are editing, by field id: outlined in the first editor's colour. */
  fieldEditors?: ReadonlyMap<string, readonly FieldEditor[]>;
}

const NO_EDITORS: ReadonlyMap<string, readonly FieldEditor[]> = new Map();
const FieldEditorsContext = createContext(NO_EDITORS);

/**
 * The board configuration as a form generated from its JSON Schema, validated as the user
 * types; errors show inline beside each field. Cross-field rules run on the server
 * (`validateConfig`).
 *
 * The form shows `config` with the schema's defaults filled in, computed here the way the form
 * would, so that it has nothing of its own to report: merely showing a config (a board opening,
 * a remote edit arriving) never calls `onChange`, only the user's edits do. Secret fields
 * (`"ui:field": "secret"`) are no exception: their values go to the server, not into the data.
 */
export function BoardConfigForm({
  boardId,
  schema,
  uiSchema,
  config,
  onChange,
  disabled = false,
  onFocusField,
  onBlurField,
  fieldEditors = NO_EDITORS,
}: BoardConfigFormProps) {
  const schemaUtils = useMemo(
    () => createSchemaUtils<Record<string, unknown>>(validator, schema),
    [schema],
  );
  const formData = useMemo(
    () =>
      schemaUtils.getDefaultFormState(schemaUtils.getRootSchema(), config, false, false) as Record<
        string,
        unknown
      >,
    [schemaUtils, config],
  );
  return (
    <FieldEditorsContext value={fieldEditors}>
      <SecretFieldBoardContext value={boardId}>
        <Form
          schema={schema}
          uiSchema={{ ...uiSchema, "ui:submitButtonOptions": { norender: true } }}
          formData={formData}
          validator={validator}
          liveValidate
          showErrorList={false}
          noHtml5Validate
          disabled={disabled}
          templates={{ FieldTemplate: PresenceFieldTemplate }}
          fields={{ secret: SecretField }}
          onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
          onFocus={(id) => onFocusField?.(id)}
          onBlur={(id) => onBlurField?.(id)}
        />
      </SecretFieldBoardContext>
    </FieldEditorsContext>
  );
}

const DefaultFieldTemplate = getDefaultRegistry().templates.FieldTemplate;

/** RJSF's field template, outlined with the editors' login when others are editing the field. */
function PresenceFieldTemplate(props: FieldTemplateProps) {
  const editors = useContext(FieldEditorsContext).get(props.id);
  const [first] = editors ?? [];
  if (props.hidden || !editors || !first) return <DefaultFieldTemplate {...props} />;
  const logins = editors.map((editor) => editor.login).join(", ");
  return (
    <div
      className="field-presence"
      style={{ "--presence-color": first.color } as CSSProperties}
      data-editors={logins}
    >
      <span className="field-presence__who" aria-label={`${logins} editing`}>
        {logins}
      </span>
      <DefaultFieldTemplate {...props} />
    </div>
  );
}
