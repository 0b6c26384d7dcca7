import {
  infiniteQueryOptions,
  queryOptions,
  useMutation,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
  type QueryKey,
} from "@tanstack/react-query";
import { useEffect } from "react";

import { graphql } from "../../../generated/graphql";
import type {
  BuildDetailFieldsFragment,
  BuildDetailQuery,
  BuildListFieldsFragment,
  BuildStatus,
  ProjectBuildsQuery,
} from "../../../generated/graphql/graphql";
import { graphqlRequest } from "../../lib/graphql";
import { getLiveClient, type LiveClient } from "../live/live-client";
import { useBuildSelectionStore } from "./build-selection-store";
import { isBuildStatus, isEnded } from "./build-status";
import { subscribeLive } from "../live/live-subscription";

// The list's fields are a subset of the detail's (the detail spreads them), so a list update
// can be merged into a cached detail and a detail update into a cached list.
graphql(`
  fragment BuildListFields on Build {
    id
    status
    recipe
    recipeVersion
    stage
    stages {
      id
      title
    }
    progress
    queuePosition
    etaSeconds
    cancelRequested
    queuedAt
    startedAt
    finishedAt
    version {
      id
      number
    }
    board {
      id
      name
    }
    requestedBy {
      login
    }
  }
`);

graphql(`
  fragment BuildDetailFields on Build {
    ...BuildListFields
    priority
    attempt
    errorMessage
    cacheKey
    builderImageId
    reproduceCommand
    logUrl
    retryOf {
      id
    }
    artifacts {
      id
      kind
      name
      size
      sha256
      contentType
      downloadUrl
    }
  }
`);

const PROJECT_BUILDS_QUERY = graphql(`
  query ProjectBuilds($projectId: ID!, $filter: BuildFilter, $first: Int = 100, $after: String) {
    builds(projectId: $projectId, filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...BuildListFields
        }
      }
    }
  }
`);

const BUILD_DETAIL_QUERY = graphql(`
  query BuildDetail($id: ID!) {
    build(id: $id) {
      ...BuildDetailFields
    }
  }
`);

const BUILD_RECIPES_QUERY = graphql(`
  query BuildRecipes {
    recipes {
      id
      version
      title
      stages {
        id
        title
        weight
      }
    }
  }
`);

const CANCEL_BUILD_MUTATION = graphql(`
  mutation CancelBuild($input: CancelBuildInput!) {
    cancelBuild(input: $input) {
      build {
        id
      }
    }
  }
`);

const RETRY_BUILD_MUTATION = graphql(`
  mutation RetryBuild($input: RetryBuildInput!) {
    retryBuild(input: $input) {
      build {
        id
      }
    }
  }
`);

const BUILDS_UPDATED_SUBSCRIPTION = graphql(`
  subscription BuildsUpdated($projectId: ID!) {
    buildsUpdated(projectId: $projectId) {
      ...BuildListFields
    }
  }
`);

const BUILD_UPDATED_SUBSCRIPTION = graphql(`
  subscription BuildUpdated($buildId: ID!) {
    buildUpdated(buildId: $buildId) {
      ...BuildDetailFields
    }
  }
`);

export type BuildSummary = BuildListFieldsFragment;
export type BuildDetail = BuildDetailFieldsFragment;

/**
 * Query keys; everything about builds is under `["builds"]`, which is what starting a build
 * elsewhere invalidates. A list's key is `["builds", "list", projectId, status]` (`null` for
 * all statuses); the paged list of the same builds adds `"pages"`, one board's list adds
 * `"board", boardId`.
 */
const buildsKeys = {
  all: ["builds"] as const,
  lists: () => [...buildsKeys.all, "list"] as const,
  projectLists: (projectId: string) => [...buildsKeys.lists(), projectId] as const,
  list: (projectId: string, status: BuildStatus | null) =>
    [...buildsKeys.projectLists(projectId), status] as const,
  pages: (projectId: string, status: BuildStatus | null) =>
    [...buildsKeys.list(projectId, status), "pages"] as const,
  board: (projectId: string, boardId: string) =>
    [...buildsKeys.list(projectId, null), "board", boardId] as const,
  details: () => [...buildsKeys.all, "detail"] as const,
  detail: (buildId: string) => [...buildsKeys.details(), buildId] as const,
  recipes: () => [...buildsKeys.all, "recipes"] as const,
};

/** Builds a page of the Builds panel holds; "Load more" fetches as many again. */
export const BUILDS_PAGE_SIZE = 50;

const toFilter = (status: BuildStatus | null) => (status ? { status: [status] } : null);

/** The board's newest 100 builds, newest first. */
export function boardBuildsQueryOptions(projectId: string, boardId: string) {
  return queryOptions({
    queryKey: buildsKeys.board(projectId, boardId),
    queryFn: ({ signal }) =>
      graphqlRequest(PROJECT_BUILDS_QUERY, { projectId, filter: { boardId } }, { signal }),
    select: (data) => data.builds.edges.map((edge) => edge.node),
  });
}

/**
 * The project's builds, newest first, a page at a time: each page continues after the previous
 * one's last build (the server's cursor), so builds that start meanwhile neither repeat a row
 * nor push one out of the list.
 */
export function projectBuildPagesQueryOptions(projectId: string, status: BuildStatus | null) {
  return infiniteQueryOptions({
    queryKey: buildsKeys.pages(projectId, status),
    queryFn: ({ pageParam, signal }) =>
      graphqlRequest(
        PROJECT_BUILDS_QUERY,
        { projectId, filter: toFilter(status), first: BUILDS_PAGE_SIZE, after: pageParam },
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: ({ builds: { pageInfo } }) =>
      pageInfo.hasNextPage ? pageInfo.endCursor : null,
    select: (data) => data.pages.flatMap((page) => page.builds.edges.map((edge) => edge.node)),
  });
}

export function buildQueryOptions(buildId: string) {
  return queryOptions({
    queryKey: buildsKeys.detail(buildId),
    queryFn: ({ signal }) => graphqlRequest(BUILD_DETAIL_QUERY, { id: buildId }, { signal }),
    select: (data) => data.build,
  });
}

/** The recipes with their stages; they change only when build workers are redeployed. */
export function buildRecipesQueryOptions() {
  return queryOptions({
    queryKey: buildsKeys.recipes(),
    queryFn: ({ signal }) => graphqlRequest(BUILD_RECIPES_QUERY, undefined, { signal }),
    select: (data) => data.recipes,
    staleTime: 5 * 60_000,
  });
}

function invalidateBuilds(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: buildsKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: buildsKeys.details() }),
  ]);
}

export function useCancelBuild() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (buildId: string) => graphqlRequest(CANCEL_BUILD_MUTATION, { input: { buildId } }),
    onSuccess: () => invalidateBuilds(queryClient),
  });
}

/** Starts a new build of an ended build's version and recipe, and opens it. */
export function useRetryBuild() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (buildId: string) => graphqlRequest(RETRY_BUILD_MUTATION, { input: { buildId } }),
    onSuccess: ({ retryBuild }) => {
      useBuildSelectionStore.getState().selectBuild(retryBuild.build.id);
      return invalidateBuilds(queryClient);
    },
  });
}

/**
 * Keeps the project's cached build lists and details current from `buildsUpdated`, so the
 * panels change as workers report instead of by polling.
 */
export function useBuildsLive(projectId: string | null, client: LiveClient = getLiveClient()) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!projectId) return;
    return subscribeLive(client, BUILDS_UPDATED_SUBSCRIPTION, () => ({ projectId }), {
      onData: ({ buildsUpdated }) => {
        updateLists(queryClient, buildsKeys.projectLists(projectId), buildsUpdated, true);
        updateDetail(queryClient, buildsUpdated);
      },
      // Whatever changed while the connection was down was never pushed.
      onResubscribed: () => void invalidateBuilds(queryClient),
    });
  }, [client, projectId, queryClient]);
}

/** Keeps one build's cached detail (and its row in cached lists) current from `buildUpdated`. */
export function useBuildLive(buildId: string | null, client: LiveClient = getLiveClient()) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!buildId) return;
    return subscribeLive(client, BUILD_UPDATED_SUBSCRIPTION, () => ({ buildId }), {
      onData: ({ buildUpdated }) => {
        queryClient.setQueryData<BuildDetailQuery>(buildsKeys.detail(buildId), {
          build: buildUpdated,
        });
        updateLists(queryClient, buildsKeys.lists(), buildUpdated, false);
      },
    });
  }, [buildId, client, queryClient]);
}

type PagedList = InfiniteData<ProjectBuildsQuery, string | null>;

/**
 * Replaces `build` in the cached lists under `prefix`, paged or not. A list refetches when the
 * build enters or leaves its filter (order and count are the server's), and, with
 * `refetchNew`, when a build it should show is missing (a new one).
 */
function updateLists(
  queryClient: QueryClient,
  prefix: QueryKey,
  build: BuildSummary,
  refetchNew: boolean,
) {
  for (const [key, data] of queryClient.getQueriesData<ProjectBuildsQuery | PagedList>({
    queryKey: prefix,
  })) {
    if (!data) continue;
    // The status filter is the key's fourth element, a board's id its sixth (see buildsKeys).
    const filter = key[3];
    const board = key[4] === "board" ? key[5] : null;
    const fits =
      (!isBuildStatus(filter) || filter === build.status) &&
      (board === null || board === build.board.id);
    const pages = "pages" in data ? data.pages : [data];
    const pageIndex = pages.findIndex((page) => findEdge(page, build) !== -1);
    const page = pages[pageIndex];
    if (page && fits) {
      const edges = page.builds.edges.with(findEdge(page, build), { node: build });
      const updated = { ...page, builds: { ...page.builds, edges } };
      if ("pages" in data) {
        queryClient.setQueryData<PagedList>(key, {
          ...data,
          pages: data.pages.with(pageIndex, updated),
        });
      } else {
        queryClient.setQueryData<ProjectBuildsQuery>(key, updated);
      }
    } else if (page || (fits && refetchNew)) {
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
    }
  }
}

const findEdge = (page: ProjectBuildsQuery, build: BuildSummary) =>
  page.builds.edges.findIndex((edge) => edge.node.id === build.id);

/** Merges a list update into the cached detail; an ended build refetches for its artifacts. */
function updateDetail(queryClient: QueryClient, build: BuildSummary) {
  const key = buildsKeys.detail(build.id);
  const cached = queryClient.getQueryData<BuildDetailQuery>(key)?.build;
  if (!cached) return;
  queryClient.setQueryData<BuildDetailQuery>(key, { build: { ...cached, ...build } });
  if (isEnded(build.status) && !isEnded(cached.status)) {
    void queryClient.invalidateQueries({ queryKey: key, exact: true });
  }
}
