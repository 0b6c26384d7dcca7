import type { ConfigChange as ConfigChangeValue } from "@bbos/collab";
import type { ConfigVersionRow } from "@bbos/db";

import type {
  ChangeKindResolvers,
  ConfigChangeResolvers,
  ConfigVersionResolvers,
  MutationResolvers,
  QueryResolvers,
} from "../../../generated/graphql.ts";
import { toConnection } from "../connection.ts";
import type { ResolversFor } from "../resolvers-for.ts";

export const versionQueries = {
  versions: async (_, { boardId, ...page }, { viewer, services }) =>
    toConnection(await services.versions.list(viewer, boardId), page),
  diffVersions: (_, { a, b }, { viewer, services }) => services.versions.diff(viewer, a, b),
} satisfies QueryResolvers;

export const versionMutations = {
  saveVersion: (_, { input }, { viewer, services }) => services.versions.save(viewer, input),
  restoreVersion: async (_, { input }, { viewer, services }) => ({
    board: await services.versions.restore(viewer, input.versionId),
  }),
} satisfies MutationResolvers;

/** The internal spelling of ChangeKind, as diffConfigs writes it. */
export const ChangeKind = {
  ADDED: "added",
  REMOVED: "removed",
  CHANGED: "changed",
} satisfies ChangeKindResolvers;

/** Only versions the viewer may read reach these (versions, diffVersions and saveVersion check). */
export const ConfigVersion = {
  config: (version, _, { services }) => services.versions.config(version),
} satisfies ResolversFor<ConfigVersionResolvers, ConfigVersionRow>;

// An ADDED change has no old value and a REMOVED one no new value: null in GraphQL.
export const ConfigChange = {
  oldValue: (change) => ("oldValue" in change ? change.oldValue : null),
  newValue: (change) => ("newValue" in change ? change.newValue : null),
} satisfies ResolversFor<ConfigChangeResolvers, ConfigChangeValue>;
