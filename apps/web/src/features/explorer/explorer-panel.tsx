import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { useBoardSelectionStore, type SelectedBoard } from "../board/board-selection-store";
import { projectsQueryOptions, type ProjectSummary } from "../projects/projects-operations";
import { BoardGroups } from "./board-groups";
import { ImportBoardForm, NewBoardForm, NewProjectForm, RenameBoardForm } from "./explorer-forms";
import { useArchiveBoard, type CreatedBoard } from "./explorer-operations";
import { ProjectFilesGroup } from "./project-files-group";
import { Tree, TreeItem } from "./tree";
import "./explorer.css";

/**
 * Projects, their boards and uploaded files, and each board's versions, builds and files, as a
 * tree: open boards, versions, builds and files; create, import, rename and archive boards;
 * upload and delete project files.
 */
export function ExplorerPanel() {
  const projects = useQuery(projectsQueryOptions());
  const [creatingProject, setCreatingProject] = useState(false);

  return (
    <section className="panel explorer" aria-label="Explorer">
      <div className="button-row">
        <button type="button" onClick={() => setCreatingProject(true)}>
          New project
        </button>
      </div>
      {creatingProject && <NewProjectForm onDone={() => setCreatingProject(false)} />}
      {projects.isPending ? (
        <p className="muted" role="status">
          Loading projects…
        </p>
      ) : projects.isError ? (
        <div className="error" role="alert">
          <p>Could not load projects: {projects.error.message}</p>
          <button type="button" onClick={() => void projects.refetch()}>
            Retry
          </button>
        </div>
      ) : projects.data.length === 0 ? (
        <p className="muted">No projects yet.</p>
      ) : (
        <Tree
          label="Projects"
          className="explorer-tree"
          firstKey={projectKey(projects.data[0]?.id ?? "")}
        >
          {projects.data.map((project) => (
            <ProjectItem key={project.id} project={project} />
          ))}
        </Tree>
      )}
    </section>
  );
}

const projectKey = (id: string) => `project:${id}`;

type ProjectForm = "new-board" | "import" | null;

function ProjectItem({ project }: { project: ProjectSummary }) {
  const [form, setForm] = useState<ProjectForm>(null);
  const selectBoard = useBoardSelectionStore((state) => state.selectBoard);
  const selection = (board: CreatedBoard): SelectedBoard => ({
    projectId: project.id,
    projectName: project.name,
    boardId: board.id,
    boardName: board.name,
    schemaId: board.schemaId,
  });
  const done = (board: CreatedBoard) => {
    setForm(null);
    selectBoard(selection(board));
  };

  return (
    <TreeItem
      nodeKey={projectKey(project.id)}
      level={1}
      label={project.name}
      expandable
      defaultExpanded
      actions={(tabIndex) => (
        <>
          <button
            type="button"
            tabIndex={tabIndex}
            aria-label={`New board in ${project.name}`}
            aria-expanded={form === "new-board"}
            onClick={() => setForm(form === "new-board" ? null : "new-board")}
          >
            New board
          </button>
          <button
            type="button"
            tabIndex={tabIndex}
            aria-label={`Import a board into ${project.name}`}
            aria-expanded={form === "import"}
            onClick={() => setForm(form === "import" ? null : "import")}
          >
            Import
          </button>
        </>
      )}
      below={
        form === "new-board" ? (
          <NewBoardForm projectId={project.id} onCancel={() => setForm(null)} onCreated={done} />
        ) : form === "import" ? (
          <ImportBoardForm projectId={project.id} onCancel={() => setForm(null)} onCreated={done} />
        ) : null
      }
    >
      {project.boards.length === 0 ? (
        <TreeItem
          nodeKey={`${projectKey(project.id)}:empty`}
          level={2}
          label="No boards"
          disabled
        />
      ) : (
        project.boards.map((board) => (
          <BoardItem
            key={board.id}
            board={selection(board)}
            onOpen={() => selectBoard(selection(board))}
          />
        ))
      )}
      <ProjectFilesGroup project={project} level={2} />
    </TreeItem>
  );
}

function BoardItem({ board, onOpen }: { board: SelectedBoard; onOpen: () => void }) {
  const selected = useBoardSelectionStore((state) => state.selected?.boardId === board.boardId);
  const clearSelection = useBoardSelectionStore((state) => state.clearSelection);
  const [renaming, setRenaming] = useState(false);
  const archive = useArchiveBoard();
  const summary = { id: board.boardId, name: board.boardName, schemaId: board.schemaId };

  return (
    <TreeItem
      nodeKey={`board:${board.boardId}`}
      level={2}
      label={board.boardName}
      expandable
      current={selected}
      onActivate={onOpen}
      actions={(tabIndex) => (
        <>
          <button
            type="button"
            tabIndex={tabIndex}
            className="explorer-tree__action"
            aria-label={`Rename ${board.boardName}`}
            aria-expanded={renaming}
            onClick={() => setRenaming(!renaming)}
          >
            Rename
          </button>
          <button
            type="button"
            tabIndex={tabIndex}
            className="explorer-tree__action"
            aria-label={`Archive ${board.boardName}`}
            disabled={archive.isPending}
            onClick={() => {
              if (
                !confirm(
                  `Archive “${board.boardName}”? It leaves the list; its versions and builds stay.`,
                )
              ) {
                return;
              }
              archive.mutate(board.boardId, { onSuccess: () => selected && clearSelection() });
            }}
          >
            Archive
          </button>
        </>
      )}
      below={renaming && <RenameBoardForm board={summary} onDone={() => setRenaming(false)} />}
    >
      <BoardGroups board={board} level={3} />
    </TreeItem>
  );
}
