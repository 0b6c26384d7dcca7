// `files[].fileId` as a choice of the project's uploaded files, by path, instead of an id to
// paste. An id the project does not have (deleted, or from an imported config) stays chosen
// and says so, so nothing is lost until the user picks another.
import { ariaDescribedByIds, type WidgetProps } from "@rjsf/utils";
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext } from "react";

import { projectFilesQueryOptions } from "../explorer/project-file-operations";

/** The project of the board the form edits, whose files the widget offers. */
export const FormProjectContext = createContext("");

export function ProjectFileWidget({
  id,
  value,
  disabled,
  readonly,
  onChange,
  onBlur,
  onFocus,
}: WidgetProps) {
  const files = useQuery(projectFilesQueryOptions(useContext(FormProjectContext)));
  const current = typeof value === "string" ? value : "";
  // Until the list arrives, the stored id shows as it is: unknown only once the list lacks it.
  const unknown = current !== "" && !files.data?.some((file) => file.id === current);
  return (
    <>
      <select
        id={id}
        className="form-control"
        value={current}
        disabled={disabled || readonly}
        aria-describedby={ariaDescribedByIds(id)}
        onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
        onBlur={(event) => onBlur(id, event.target.value)}
        onFocus={(event) => onFocus(id, event.target.value)}
      >
        <option value="">Choose a file</option>
        {unknown && (
          <option value={current}>{files.data ? `unknown file ${current}` : current}</option>
        )}
        {files.data?.map((file) => (
          <option key={file.id} value={file.id}>
            {file.path}
          </option>
        ))}
      </select>
      {files.isError && (
        <p className="muted">{`Could not load the project's files: ${files.error.message}`}</p>
      )}
    </>
  );
}
