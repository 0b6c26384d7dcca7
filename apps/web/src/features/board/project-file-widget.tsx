// `files[].fileId` as a choice of the project's uploaded files, by path, instead of an id to
// paste. An id the project does not have (deleted, or from an imported config) stays chosen
// and says so, so nothing is lost until the user picks another.
import type { WidgetProps } from "@rjsf/utils";
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext } from "react";

import { projectFilesQueryOptions } from "../explorer/project-file-operations";
import { ChoiceSelect } from "./catalogue-widgets";

/** The project of the board the form edits, whose files the widget offers. */
export const FormProjectContext = createContext("");

export function ProjectFileWidget(props: WidgetProps) {
  const files = useQuery(projectFilesQueryOptions(useContext(FormProjectContext)));
  return (
    <>
      <ChoiceSelect
        widget={props}
        choices={(files.data ?? []).map((file) => ({ value: file.id, label: file.path }))}
        empty="Choose a file"
        // Until the list arrives, the stored id shows as it is: unknown only once the list lacks it.
        unknown={(id) => (files.data ? `unknown file ${id}` : id)}
      />
      {files.isError && (
        <p className="muted">{`Could not load the project's files: ${files.error.message}`}</p>
      )}
    </>
  );
}
