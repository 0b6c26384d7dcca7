import Form, { getDefaultRegistry } from "@rjsf/core";
import {
  createSchemaUtils,
  type ErrorSchema,
  type FieldTemplateProps,
  type IconButtonProps,
  type ObjectFieldTemplateProps,
  type RJSFSchema,
  type UiSchema,
} from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";
import { createContext, useContext, useMemo, type CSSProperties } from "react";

import {
  BuildRecipeWidget,
  CatalogueBoardWidget,
  ChosenBoardContext,
  DEFAULT_RECIPE,
  KernelBranchWidget,
  KernelOverlaysField,
  OsReleaseWidget,
  type ChosenBoard,
} from "./catalogue-widgets";
import { pruneEmptyOptionalSections } from "./optional-sections";
import { FormProjectContext, ProjectFileWidget } from "./project-file-widget";
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
  /** The board's project, whose uploaded files `files[].fileId` chooses from. */
  projectId: string;
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
  /** The server's verdict on the stored config, as messages beside their fields. */
  serverErrors?: ErrorSchema;
}

const NO_EDITORS: ReadonlyMap<string, readonly FieldEditor[]> = new Map();
const FieldEditorsContext = createContext(NO_EDITORS);

/**
 * The board configuration as a form generated from its JSON Schema. Its errors are the
 * server's (`serverErrors`: the schema and the cross-field rules, in the server's words, one per
 * problem), which arrive shortly after each edit; the form does not validate on its own, so
 * nothing says the same thing twice in two wordings.
 *
 * The form shows `config` with the schema's defaults filled in, computed here the way the form
 * would, so that it has nothing of its own to report: merely showing a config (a board opening,
 * a remote edit arriving) never calls `onChange`, only the user's edits do. Secret fields
 * (`"ui:field": "secret"`) are no exception: their values go to the server, not into the data.
 */
export function BoardConfigForm({
  boardId,
  projectId,
  schema,
  uiSchema,
  config,
  onChange,
  disabled = false,
  onFocusField,
  onBlurField,
  fieldEditors = NO_EDITORS,
  serverErrors,
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
  const formUiSchema = useMemo(() => withCatalogueWidgets(uiSchema), [uiSchema]);
  // A new value only when one of the three changes, so other edits do not re-render the widgets.
  const { boardId: catalogueId, recipe, branch } = chosenBoardOf(formData);
  const chosenBoard = useMemo(
    () => ({ boardId: catalogueId, recipe, branch }),
    [catalogueId, recipe, branch],
  );
  return (
    <FieldEditorsContext value={fieldEditors}>
      <SecretFieldBoardContext value={boardId}>
        <FormProjectContext value={projectId}>
          <ChosenBoardContext value={chosenBoard}>
            <Form
              schema={schema}
              uiSchema={formUiSchema}
              formData={formData}
              validator={validator}
              showErrorList={false}
              extraErrors={serverErrors}
              noHtml5Validate
              disabled={disabled}
              templates={TEMPLATES}
              fields={FIELDS}
              widgets={WIDGETS}
              onChange={(event) =>
                onChange(
                  pruneEmptyOptionalSections(
                    (event.formData ?? {}) as Record<string, unknown>,
                    schema,
                  ),
                )
              }
              onFocus={(id) => onFocusField?.(id)}
              onBlur={(id) => onBlurField?.(id)}
            />
          </ChosenBoardContext>
        </FormProjectContext>
      </SecretFieldBoardContext>
    </FieldEditorsContext>
  );
}

const WIDGETS = {
  catalogueBoard: CatalogueBoardWidget,
  kernelBranch: KernelBranchWidget,
  osRelease: OsReleaseWidget,
  buildRecipe: BuildRecipeWidget,
  projectFile: ProjectFileWidget,
};

const FIELDS = { secret: SecretField, kernelOverlays: KernelOverlaysField };

/** The board, recipe and kernel branch the form's data chooses, for the catalogue widgets. */
function chosenBoardOf(formData: Record<string, unknown>): ChosenBoard {
  const section = (key: string) => {
    const value = formData[key];
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  };
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return {
    boardId: text(formData["board"]),
    recipe: text(section("build")["recipe"]) ?? DEFAULT_RECIPE,
    branch: text(section("os")["branch"]),
  };
}

/**
 * The schema's uiSchema (every version has the same fields here), with the catalogue's choices
 * for the board and what the board accepts (recipe, kernel branch, release and overlays), and
 * the project's files for the extra files.
 */
function withCatalogueWidgets(uiSchema: UiSchema): UiSchema {
  const section = (key: string) => (uiSchema[key] ?? {}) as UiSchema;
  const field = (parent: UiSchema, key: string) => parent[key] as UiSchema | undefined;
  const [os, kernel, build, files] = [
    section("os"),
    section("kernel"),
    section("build"),
    section("files"),
  ];
  const fileItem = (files["items"] ?? {}) as UiSchema;
  return {
    ...uiSchema,
    "ui:submitButtonOptions": { norender: true },
    board: { ...field(uiSchema, "board"), "ui:widget": "catalogueBoard" },
    os: {
      ...os,
      release: { ...field(os, "release"), "ui:widget": "osRelease" },
      branch: { ...field(os, "branch"), "ui:widget": "kernelBranch" },
    },
    kernel: { ...kernel, overlays: { ...field(kernel, "overlays"), "ui:field": "kernelOverlays" } },
    build: { ...build, recipe: { ...field(build, "recipe"), "ui:widget": "buildRecipe" } },
    files: {
      ...files,
      items: { ...fileItem, fileId: { ...field(fileItem, "fileId"), "ui:widget": "projectFile" } },
    },
  };
}

const defaultTemplates = getDefaultRegistry().templates;
const DefaultFieldTemplate = defaultTemplates.FieldTemplate;

/** Array buttons with words: RJSF's default ones are icons from a font this app does not load. */
function textButton(label: string, className: string) {
  function TextButton({ onClick, disabled, title }: IconButtonProps) {
    return (
      <button
        type="button"
        className={`array-button ${className}`}
        onClick={onClick}
        disabled={disabled}
        title={title}
      >
        {label}
      </button>
    );
  }
  return TextButton;
}

const DefaultObjectFieldTemplate = defaultTemplates.ObjectFieldTemplate;

/** Top-level sections most boards never change: folded until opened (or until they hold errors). */
const ADVANCED_SECTIONS = new Set(["image", "files"]);

/**
 * Sections as RJSF draws them, with two changes. The whole config has no title or description:
 * the panel header names the board, and the schema's own text speaks to API users. Each top-level
 * section folds (`<details>`), and the advanced ones start folded unless they hold an error.
 */
function SectionTemplate(props: ObjectFieldTemplateProps) {
  const { path } = props.fieldPathId;
  if (path.length === 0) {
    return <DefaultObjectFieldTemplate {...props} title="" description={undefined} />;
  }
  if (path.length > 1) return <DefaultObjectFieldTemplate {...props} />;
  const hasErrors = Object.keys(props.errorSchema ?? {}).length > 0;
  return (
    <details className="form-section" open={!ADVANCED_SECTIONS.has(String(path[0])) || hasErrors}>
      <summary className="form-section__title">{props.title}</summary>
      <DefaultObjectFieldTemplate {...props} title="" />
    </details>
  );
}

const TEMPLATES = {
  FieldTemplate: PresenceFieldTemplate,
  ObjectFieldTemplate: SectionTemplate,
  ButtonTemplates: {
    ...defaultTemplates.ButtonTemplates,
    AddButton: textButton("Add", "array-button--add"),
    RemoveButton: textButton("Remove", "array-button--remove"),
    MoveUpButton: textButton("Move up", "array-button--move"),
    MoveDownButton: textButton("Move down", "array-button--move"),
    CopyButton: textButton("Copy", "array-button--move"),
  },
};

/**
 * RJSF's field template with one help text per field (the uiSchema's help, written for the form;
 * the schema's description only where there is none), outlined with the editors' login when
 * others are editing the field.
 */
function PresenceFieldTemplate(fieldProps: FieldTemplateProps) {
  const props = fieldProps.rawHelp ? { ...fieldProps, description: undefined } : fieldProps;
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
