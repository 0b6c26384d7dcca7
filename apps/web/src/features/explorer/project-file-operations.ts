// A project's uploaded files: listed and deleted through GraphQL, uploaded over HTTP
// (`PUT /projects/<projectId>/files?path=<path>`, the raw bytes as the body), since GraphQL
// carries no file bodies.
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import type { ProjectFilesQuery } from "../../../generated/graphql/graphql";
import { graphqlRequest } from "../../lib/graphql";
import { useToastStore } from "../../lib/toast-store";

const PROJECT_FILES_QUERY = graphql(`
  query ProjectFiles($projectId: ID!) {
    project(id: $projectId) {
      id
      files(first: 100) {
        edges {
          node {
            id
            path
            latestVersion {
              id
              number
              size
            }
          }
        }
      }
    }
  }
`);

const DELETE_PROJECT_FILE_MUTATION = graphql(`
  mutation DeleteProjectFile($input: DeleteProjectFileInput!) {
    deleteProjectFile(input: $input) {
      deletedFileId
    }
  }
`);

/** A project file as the Explorer and the config form show it: its path and newest version. */
export interface ProjectFileSummary {
  id: string;
  path: string;
  /** The newest version's number: 1 for the first upload. */
  version: number;
  /** The newest version's size in bytes. */
  size: number;
}

function toFileSummaries(data: ProjectFilesQuery): ProjectFileSummary[] {
  return (data.project?.files.edges ?? []).map(({ node }) => ({
    id: node.id,
    path: node.path,
    version: node.latestVersion.number,
    size: node.latestVersion.size,
  }));
}

const projectFilesKey = (projectId: string) => ["project-files", projectId] as const;

/** The project's files by path; read again after each upload or deletion made here. */
export function projectFilesQueryOptions(projectId: string) {
  return queryOptions({
    queryKey: projectFilesKey(projectId),
    queryFn: ({ signal }) => graphqlRequest(PROJECT_FILES_QUERY, { projectId }, { signal }),
    select: toFileSummaries,
  });
}

/** The URL an upload of `path` to the project goes to. */
const projectFileUploadUrl = (projectId: string, path: string) =>
  `/projects/${encodeURIComponent(projectId)}/files?path=${encodeURIComponent(path)}`;

/**
 * Uploads `body` as the next version of the project's file at `path`. The server refuses any
 * other content type as a cross-site request, so it is always `application/octet-stream`.
 *
 * @throws Error with the server's message when it refuses (bad path, not an editor, too large).
 */
async function uploadProjectFile(projectId: string, path: string, body: Blob): Promise<void> {
  let response: Response;
  try {
    response = await fetch(projectFileUploadUrl(projectId, path), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "content-type": "application/octet-stream" },
      body,
    });
  } catch (cause) {
    throw new Error("Could not reach the API", { cause });
  }
  if (response.ok) return;
  throw new Error(await refusalMessage(response));
}

/** The first message of a refusal in GraphQL's error shape, or what the status says. */
async function refusalMessage(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => null);
  const errors =
    typeof body === "object" && body !== null ? (body as { errors?: unknown }).errors : undefined;
  const [first] = Array.isArray(errors) ? (errors as unknown[]) : [];
  const message =
    typeof first === "object" && first !== null ? (first as { message?: unknown }).message : null;
  return typeof message === "string" ? message : `The upload failed (HTTP ${response.status}).`;
}

/** After a change to a project's files, its list is read again. */
function useProjectFilesMutation<TInput>(projectId: string, run: (input: TInput) => Promise<void>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectFilesKey(projectId) }),
  });
}

/** Uploads a file to the project; a refusal shows as a toast in the server's words. */
export function useUploadProjectFile(projectId: string) {
  return useProjectFilesMutation(projectId, async (input: { path: string; file: Blob }) => {
    await uploadProjectFile(projectId, input.path, input.file);
    useToastStore.getState().show("info", `Uploaded ${input.path}.`);
  });
}

/** Deletes a project file with its versions; the server refuses while a build uses it. */
export function useDeleteProjectFile(projectId: string) {
  return useProjectFilesMutation(projectId, async (fileId: string) => {
    await graphqlRequest(DELETE_PROJECT_FILE_MUTATION, { input: { fileId } });
  });
}
