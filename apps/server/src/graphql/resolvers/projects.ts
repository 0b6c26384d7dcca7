import type { BoardRow, MemberProjectRow } from "@bbos/db";

import type { ProjectResolvers, QueryResolvers } from "../../../generated/graphql.ts";
import { toConnection } from "../connection.ts";
import type { ResolversFor } from "../resolvers-for.ts";

export const projectQueries = {
  me: (_, __, { viewer }) => viewer,
  projects: async (_, args, { viewer, services }) =>
    toConnection(await services.projects.list(viewer), args),
  project: (_, { id }, { viewer, services }) => services.projects.get(viewer, id),
} satisfies QueryResolvers;

export const Project = {
  boards: async (project, args, { services }) =>
    toConnection<BoardRow>(await services.projects.boardsOf(project.id), args),
} satisfies ResolversFor<ProjectResolvers, MemberProjectRow>;
