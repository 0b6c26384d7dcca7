import { useQuery } from "@tanstack/react-query";

import { useBoardSelectionStore } from "../board/board-selection-store";
import { projectsQueryOptions, type ProjectSummary } from "./projects-operations";

export function ProjectsPanel() {
  const projects = useQuery(projectsQueryOptions());

  return (
    <section className="panel" aria-label="Projects">
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
        <ul className="tree">
          {projects.data.map((project) => (
            <ProjectItem key={project.id} project={project} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ProjectItem({ project }: { project: ProjectSummary }) {
  const selectedBoardId = useBoardSelectionStore((state) => state.selected?.boardId);
  const selectBoard = useBoardSelectionStore((state) => state.selectBoard);

  return (
    <li>
      <span className="tree__project">{project.name}</span>
      {project.boards.length === 0 ? (
        <p className="muted tree__empty">No boards</p>
      ) : (
        <ul>
          {project.boards.map((board) => (
            <li key={board.id}>
              <button
                type="button"
                className="tree__board"
                aria-pressed={board.id === selectedBoardId}
                onClick={() =>
                  selectBoard({
                    projectId: project.id,
                    projectName: project.name,
                    boardId: board.id,
                    boardName: board.name,
                    schemaId: board.schemaId,
                  })
                }
              >
                {board.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
