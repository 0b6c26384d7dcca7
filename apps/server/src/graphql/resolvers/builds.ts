import { DomainError, isBuildId } from "@bbos/core";
import type { ArtifactRow, BuildRow } from "@bbos/db";
import type { BuildLogLine as BuildLogLineValue } from "@bbos/queue";

import type {
  ArtifactResolvers,
  BuildLogLineResolvers,
  BuildResolvers,
  MutationResolvers,
  QueryResolvers,
  SubscriptionResolvers,
} from "../../../generated/graphql.ts";
import { buildLogPath } from "../../http/artifact-paths.ts";
import { abortableIterator } from "../abortable-iterator.ts";
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE } from "../connection.ts";
import type { ResolversFor } from "../resolvers-for.ts";

export const buildQueries = {
  build: (_, { id }, { viewer, services }) => services.builds.get(viewer, id),
  builds: async (_, { projectId, filter, first, after }, { viewer, services }) => {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw new DomainError("BAD_INPUT", `first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
    }
    const afterId = after == null ? null : decodeCursor(after);
    if (afterId !== null && !isBuildId(afterId)) {
      throw new DomainError("BAD_INPUT", "`after` is not a cursor this API returned");
    }
    // One more than asked tells whether there is a next page.
    const { rows, totalCount } = await services.builds.list(viewer, projectId, {
      first: first + 1,
      after: afterId,
      filter: {
        ...(filter?.status ? { status: filter.status } : {}),
        ...(filter?.boardId ? { boardId: filter.boardId as BuildRow["boardId"] } : {}),
      },
    });
    const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(node.id), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: afterId !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount,
    };
  },
  recipes: (_, __, { services }) => services.builds.recipes(),
  signingKey: (_, __, { services }) => services.signingKey,
} satisfies QueryResolvers;

export const buildMutations = {
  startBuild: (_, { input }, { viewer, services }) => services.builds.start(viewer, input),
  cancelBuild: async (_, { input }, { viewer, services }) => ({
    build: await services.builds.cancel(viewer, input.buildId),
  }),
  retryBuild: async (_, { input }, { viewer, services }) => ({
    build: await services.builds.retry(viewer, input.buildId),
  }),
  deleteBuildArtifacts: (_, { input }, { viewer, services }) =>
    services.builds.deleteArtifacts(viewer, input.buildId),
} satisfies MutationResolvers;

export const buildSubscriptions = {
  buildLog: {
    async subscribe(_, { buildId, after }, { viewer, services }) {
      // Access is checked before the first event, so a refusal is an error on subscribe.
      const gate = new AbortController();
      const lines = await services.builds.log(viewer, buildId, after ?? 0, gate.signal);
      return abortableIterator(async function* (signal) {
        signal.addEventListener("abort", () => gate.abort(), { once: true });
        for await (const line of lines) yield { buildLog: line };
      });
    },
  },
  buildUpdated: {
    async subscribe(_, { buildId }, { viewer, services }) {
      const gate = new AbortController();
      const builds = await services.builds.updates(viewer, buildId, gate.signal);
      return abortableIterator(async function* (signal) {
        signal.addEventListener("abort", () => gate.abort(), { once: true });
        for await (const build of builds) yield { buildUpdated: build };
      });
    },
  },
  buildsUpdated: {
    async subscribe(_, { projectId }, { viewer, services }) {
      const gate = new AbortController();
      const builds = await services.builds.projectUpdates(viewer, projectId, gate.signal);
      return abortableIterator(async function* (signal) {
        signal.addEventListener("abort", () => gate.abort(), { once: true });
        for await (const build of builds) yield { buildsUpdated: build };
      });
    },
  },
} satisfies SubscriptionResolvers;

/** Only builds the viewer may read reach these (build, builds and the mutations check). */
export const Build = {
  version: (build, _, { services }) => services.builds.version(build),
  board: (build, _, { services }) => services.builds.board(build),
  stages: (build, _, { services }) => services.builds.stages(build),
  queuePosition: (build, _, { services }) => services.builds.queuePosition(build),
  etaSeconds: (build, _, { services }) => services.builds.etaSeconds(build),
  cancelRequested: (build) => build.cancelRequestedAt !== null,
  reproduceCommand: (build) => build.reproduceCommand ?? "",
  retryOf: (build, _, { services }) => services.builds.retryOf(build),
  requestedBy: (build, _, { services }) => services.builds.requestedBy(build),
  artifacts: (build, _, { services }) => services.builds.artifacts(build),
  logUrl: async (build, _, { services }) =>
    (await services.builds.artifacts(build)).some((artifact) => artifact.kind === "LOG")
      ? buildLogPath(build.id)
      : null,
} satisfies ResolversFor<BuildResolvers, BuildRow>;

export const Artifact = {
  size: (artifact) => Number(artifact.size),
  downloadUrl: (artifact, _, { services }) => services.builds.downloadUrl(artifact),
} satisfies ResolversFor<ArtifactResolvers, ArtifactRow>;

export const BuildLogLine = {
  at: (line) => new Date(line.at),
} satisfies ResolversFor<BuildLogLineResolvers, BuildLogLineValue>;
