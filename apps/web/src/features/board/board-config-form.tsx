import Form from "@rjsf/core";
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";

/** Board-config schemas are JSON Schema draft 2020-12; RJSF's default Ajv speaks draft-07. */
const validator = customizeValidator({ AjvClass: Ajv2020 });

export interface BoardConfigFormProps {
  schema: RJSFSchema;
  uiSchema: UiSchema;
  config: Record<string, unknown>;
  onChange: (config: Record<string, unknown>) => void;
}

/**
 * The board configuration as a form generated from its JSON Schema, validated as the user
 * types; errors show inline beside each field. Cross-field rules run on the server
 * (`validateConfig`).
 */
export function BoardConfigForm({ schema, uiSchema, config, onChange }: BoardConfigFormProps) {
  return (
    <Form
      schema={schema}
      uiSchema={{ ...uiSchema, "ui:submitButtonOptions": { norender: true } }}
      formData={config}
      validator={validator}
      liveValidate
      showErrorList={false}
      noHtml5Validate
      onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
    />
  );
}
