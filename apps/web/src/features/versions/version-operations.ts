import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import { graphqlRequest } from "../../lib/graphql";
import { useToastStore } from "../../lib/toast-store";
import { useBuildSelectionStore } from "../builds/build-selection-store";

const VERSIONS_QUERY = graphql(`
  query BoardVersions($boardId: ID!) {
    versions(boardId: $boardId, first: 100) {
      totalCount
      edges {
        node {
          id
          number
          message
          contentHash
          schemaId
          createdAt
          author {
            login
          }
        }
      }
    }
  }
`);

const DIFF_QUERY = graphql(`
  query VersionDiff($a: ID!, $b: ID!) {
    diffVersions(a: $a, b: $b) {
      changes {
        kind
        path
        oldValue
        newValue
      }
    }
  }
`);

const SAVE_VERSION_MUTATION = graphql(`
  mutation SaveVersion($input: SaveVersionInput!) {
    saveVersion(input: $input) {
      created
      version {
        id
        number
      }
      validation {
        valid
        issues {
          message
          severity
        }
      }
    }
  }
`);

const RESTORE_VERSION_MUTATION = graphql(`
  mutation RestoreVersion($input: RestoreVersionInput!) {
    restoreVersion(input: $input) {
      board {
        id
      }
    }
  }
`);

const START_BUILD_MUTATION = graphql(`
  mutation StartBuild($input: StartBuildInput!) {
    startBuild(input: $input) {
      reused
      build {
        id
      }
      validation {
        valid
        issues {
          message
          severity
        }
      }
    }
  }
`);

const versionKeys = {
  all: ["versions"] as const,
  list: (boardId: string) => [...versionKeys.all, boardId] as const,
  diff: (a: string, b: string) => [...versionKeys.all, "diff", a, b] as const,
};

export function versionsQueryOptions(boardId: string) {
  return queryOptions({
    queryKey: versionKeys.list(boardId),
    queryFn: ({ signal }) => graphqlRequest(VERSIONS_QUERY, { boardId }, { signal }),
    select: (data) => data.versions.edges.map((edge) => edge.node),
  });
}

/** Versions never change, so neither does a diff between two of them. */
export function versionDiffQueryOptions(a: string, b: string) {
  return queryOptions({
    queryKey: versionKeys.diff(a, b),
    queryFn: ({ signal }) => graphqlRequest(DIFF_QUERY, { a, b }, { signal }),
    select: (data) => data.diffVersions?.changes ?? [],
    staleTime: Infinity,
  });
}

/** The first error of a refused save or build, in the server's words. */
function refusal(issues: readonly { message: string; severity: string }[]): Error {
  const errors = issues.filter((issue) => issue.severity === "ERROR");
  const first = errors[0]?.message ?? "the config is invalid";
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return new Error(`Not saved: ${first}${more}.`);
}

/** Saves the board's config as it is stored now; resolves to the version (new or existing). */
export function useSaveVersion(boardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (message: string) => {
      const { saveVersion } = await graphqlRequest(SAVE_VERSION_MUTATION, {
        input: { boardId, message },
      });
      if (!saveVersion.version) throw refusal(saveVersion.validation.issues);
      return { ...saveVersion.version, created: saveVersion.created };
    },
    onSuccess: (version) => {
      useToastStore
        .getState()
        .show(
          "info",
          version.created
            ? `Saved version ${version.number}.`
            : `Unchanged since version ${version.number}.`,
        );
      return queryClient.invalidateQueries({ queryKey: versionKeys.list(boardId) });
    },
  });
}

export function useRestoreVersion(boardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: { id: string; number: number }) =>
      graphqlRequest(RESTORE_VERSION_MUTATION, { input: { versionId: version.id } }),
    onSuccess: (_data, version) => {
      useToastStore.getState().show("info", `Restored version ${version.number}.`);
      return queryClient.invalidateQueries({ queryKey: ["board-validation", boardId] });
    },
  });
}

/**
 * Starts a build of a version, with the given recipe or else its config's, and opens the
 * build.
 */
export function useStartBuild() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ versionId, recipe }: { versionId: string; recipe?: string }) => {
      const { startBuild } = await graphqlRequest(START_BUILD_MUTATION, {
        input: { versionId, ...(recipe ? { recipe } : {}) },
      });
      if (!startBuild.build) throw refusal(startBuild.validation.issues);
      return { id: startBuild.build.id, reused: startBuild.reused };
    },
    onSuccess: (build) => {
      if (build.reused) {
        useToastStore
          .getState()
          .show("info", "An earlier build of this version already has its artifacts.");
      }
      useBuildSelectionStore.getState().selectBuild(build.id);
      return queryClient.invalidateQueries({ queryKey: ["builds"] });
    },
  });
}
