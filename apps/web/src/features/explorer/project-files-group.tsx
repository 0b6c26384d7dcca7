import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { formatBytes } from "../builds/build-format";
import { GroupEntries } from "./board-groups";
import { UploadFileForm } from "./explorer-forms";
import {
  projectFilesQueryOptions,
  useDeleteProjectFile,
  type ProjectFileSummary,
} from "./project-file-operations";
import { TreeItem } from "./tree";

/**
 * A project's uploaded files, as a group beside its boards that asks the server once expanded,
 * with "Upload file…": a native file picker, then where the file goes in the project.
 */
export function ProjectFilesGroup({
  project,
  level,
}: {
  project: { id: string; name: string };
  level: number;
}) {
  const picker = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const groupKey = `project-files:${project.id}`;
  return (
    <TreeItem
      nodeKey={groupKey}
      level={level}
      label="Project files"
      expandable
      actions={(tabIndex) => (
        <>
          <button
            type="button"
            tabIndex={tabIndex}
            className="explorer-tree__action"
            aria-label={`Upload file to ${project.name}`}
            onClick={() => picker.current?.click()}
          >
            Upload file…
          </button>
          <input
            ref={picker}
            type="file"
            hidden
            aria-label={`File to upload to ${project.name}`}
            onChange={(event) => {
              setChosen(event.target.files?.[0] ?? null);
              // Choosing the same file again is a new choice.
              event.target.value = "";
            }}
          />
        </>
      )}
      below={
        chosen && (
          // Keyed by the file, so choosing another one starts the form afresh.
          <UploadFileForm
            key={`${chosen.name}:${chosen.lastModified}:${chosen.size}`}
            projectId={project.id}
            file={chosen}
            onDone={() => setChosen(null)}
          />
        )
      }
    >
      <ProjectFileEntries projectId={project.id} groupKey={groupKey} level={level + 1} />
    </TreeItem>
  );
}

function ProjectFileEntries({
  projectId,
  groupKey,
  level,
}: {
  projectId: string;
  groupKey: string;
  level: number;
}) {
  const files = useQuery(projectFilesQueryOptions(projectId));
  return (
    <GroupEntries
      groupKey={groupKey}
      noun="files"
      empty="No files uploaded"
      level={level}
      query={files}
      keyOf={(file) => `project-file:${file.id}`}
      render={(file, key) => (
        <ProjectFileItem key={key} nodeKey={key} file={file} level={level} projectId={projectId} />
      )}
    />
  );
}

function ProjectFileItem({
  projectId,
  nodeKey,
  file,
  level,
}: {
  projectId: string;
  nodeKey: string;
  file: ProjectFileSummary;
  level: number;
}) {
  const remove = useDeleteProjectFile(projectId);
  return (
    <TreeItem
      nodeKey={nodeKey}
      level={level}
      label={file.path}
      detail={`v${file.version} · ${formatBytes(file.size)}`}
      actions={(tabIndex) => (
        <button
          type="button"
          tabIndex={tabIndex}
          className="explorer-tree__action"
          aria-label={`Delete ${file.path}`}
          disabled={remove.isPending}
          onClick={() => {
            if (!confirm(`Delete “${file.path}” with all its versions?`)) return;
            remove.mutate(file.id);
          }}
        >
          Delete
        </button>
      )}
    />
  );
}
