import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import type { CatalogueQuery } from "../../../generated/graphql/graphql";
import { graphqlRequest } from "../../lib/graphql";
import { useToastStore } from "../../lib/toast-store";

const CATALOGUE_QUERY = graphql(`
  query Catalogue {
    catalogueBoards {
      id
      name
      vendor
      soc
      architecture
      supportTier
      branches
      recipes
      releases {
        recipe
        name
        expert
      }
      overlays {
        branch
        names
      }
      overlayPrefix
    }
  }
`);

const BOARD_CONFIG_QUERY = graphql(`
  query BoardConfig($boardId: ID!) {
    board(id: $boardId) {
      id
      config
    }
  }
`);

const CREATE_PROJECT_MUTATION = graphql(`
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      project {
        id
        name
      }
    }
  }
`);

const CREATE_BOARD_MUTATION = graphql(`
  mutation CreateBoard($input: CreateBoardInput!) {
    createBoard(input: $input) {
      board {
        id
        name
        schemaId
      }
    }
  }
`);

const IMPORT_BOARD_MUTATION = graphql(`
  mutation ImportBoard($input: ImportBoardInput!) {
    importBoard(input: $input) {
      board {
        id
        name
        schemaId
      }
      validation {
        issues {
          path
          message
          severity
        }
      }
    }
  }
`);

const RENAME_BOARD_MUTATION = graphql(`
  mutation RenameBoard($input: RenameBoardInput!) {
    renameBoard(input: $input) {
      board {
        id
        name
      }
    }
  }
`);

const ARCHIVE_BOARD_MUTATION = graphql(`
  mutation ArchiveBoard($input: ArchiveBoardInput!) {
    archiveBoard(input: $input) {
      board {
        id
      }
    }
  }
`);

export type CatalogueBoard = CatalogueQuery["catalogueBoards"][number];

/** The hardware catalogue changes only with a new server release. */
export function catalogueQueryOptions() {
  return queryOptions({
    queryKey: ["catalogue"] as const,
    queryFn: ({ signal }) => graphqlRequest(CATALOGUE_QUERY, undefined, { signal }),
    select: (data) => data.catalogueBoards,
    staleTime: Infinity,
  });
}

/**
 * One entry of a board config's Extra files (`files`): an uploaded project file and where the
 * build copies it. `index` is its place in the list, so `/files/<index>` is its field.
 */
export interface ConfigFile {
  index: number;
  fileId: string;
  path: string;
  mode: string | null;
}

/**
 * The files the board's config references now, as the server derives the config from the
 * board's document. Read when asked for (the Explorer's Files group), not kept live.
 */
export function boardFilesQueryOptions(boardId: string) {
  return queryOptions({
    queryKey: ["board-config", boardId] as const,
    queryFn: async ({ signal }) => {
      const { board } = await graphqlRequest(BOARD_CONFIG_QUERY, { boardId }, { signal });
      if (!board) throw new Error("The board does not exist, or you are not a member.");
      return board.config;
    },
    select: configFiles,
  });
}

/** The well-formed entries of a config's `files`; whatever else is there the form reports. */
function configFiles(config: unknown): ConfigFile[] {
  const files = isRecord(config) ? config["files"] : undefined;
  if (!Array.isArray(files)) return [];
  return files.flatMap((entry: unknown, index) => {
    if (!isRecord(entry)) return [];
    const { fileId, path, mode } = entry;
    if (typeof fileId !== "string" || typeof path !== "string") return [];
    return [{ index, fileId, path, mode: typeof mode === "string" ? mode : null }];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The board a created or imported board is, as the explorer selects it. */
export interface CreatedBoard {
  id: string;
  name: string;
  schemaId: string;
}

/** After any change to projects or boards, the explorer's list is read again. */
function useProjectsMutation<TInput, TResult>(
  run: (input: TInput) => Promise<TResult>,
  options: { toast?: boolean } = {},
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    meta: { toast: options.toast ?? true },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["projects"] }),
  });
}

export function useCreateProject() {
  return useProjectsMutation(async (name: string) => {
    const data = await graphqlRequest(CREATE_PROJECT_MUTATION, { input: { name } });
    return data.createProject.project;
  });
}

export function useCreateBoard() {
  return useProjectsMutation(
    async (input: { projectId: string; name: string; catalogueBoardId: string }) => {
      const data = await graphqlRequest(CREATE_BOARD_MUTATION, { input });
      return data.createBoard.board satisfies CreatedBoard;
    },
  );
}

/**
 * Imports a config file. An invalid file creates nothing: the promise rejects with the file's
 * first problems, which the import form shows beside itself (no toast).
 */
export function useImportBoard() {
  return useProjectsMutation(
    async (input: { projectId: string; name: string; configJson: string }) => {
      const { importBoard } = await graphqlRequest(IMPORT_BOARD_MUTATION, { input });
      if (importBoard.board) return importBoard.board satisfies CreatedBoard;
      const errors = importBoard.validation.issues.filter((issue) => issue.severity === "ERROR");
      const listed = errors
        .slice(0, 3)
        .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
      const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : "";
      throw new Error(`Not imported: ${listed.join("; ")}${more}`);
    },
    { toast: false },
  );
}

export function useRenameBoard() {
  return useProjectsMutation(async (input: { boardId: string; name: string }) => {
    const data = await graphqlRequest(RENAME_BOARD_MUTATION, { input });
    return data.renameBoard.board;
  });
}

export function useArchiveBoard() {
  return useProjectsMutation(async (boardId: string) => {
    await graphqlRequest(ARCHIVE_BOARD_MUTATION, { input: { boardId } });
    useToastStore.getState().show("info", "Board archived.");
  });
}
