import type { BoardRow, MemberProjectRow, MemberRow } from "@bbos/db";

import type {
  MembershipResolvers,
  MutationResolvers,
  ProjectResolvers,
  QueryResolvers,
} from "../../../generated/graphql.ts";
import { toConnection } from "../connection.ts";
import type { ResolversFor } from "../resolvers-for.ts";

export const projectQueries = {
  me: (_, __, { viewer }) => viewer,
  projects: async (_, { includeArchived, ...page }, { viewer, services }) =>
    toConnection(
      await services.projects.list(viewer, { includeArchived: includeArchived ?? false }),
      page,
    ),
  project: (_, { id }, { viewer, services }) => services.projects.get(viewer, id),
} satisfies QueryResolvers;

export const projectMutations = {
  createProject: async (_, { input }, { viewer, services }) => ({
    project: await services.projects.create(viewer, input),
  }),
  renameProject: async (_, { input }, { viewer, services }) => ({
    project: await services.projects.rename(viewer, input.projectId, input.name),
  }),
  archiveProject: async (_, { input }, { viewer, services }) => ({
    project: await services.projects.setArchived(viewer, input.projectId, true),
  }),
  restoreProject: async (_, { input }, { viewer, services }) => ({
    project: await services.projects.setArchived(viewer, input.projectId, false),
  }),
  inviteMember: async (_, { input }, { viewer, services }) => ({
    membership: await services.projects.invite(viewer, input),
  }),
  changeMemberRole: async (_, { input }, { viewer, services }) => ({
    membership: await services.projects.changeMemberRole(viewer, input),
  }),
  removeMember: async (_, { input }, { viewer, services }) => {
    await services.projects.removeMember(viewer, input);
    return { removedUserId: input.userId };
  },
} satisfies MutationResolvers;

export const Project = {
  boards: async (project, args, { services }) =>
    toConnection<BoardRow>(await services.projects.boardsOf(project.id), args),
  files: async (project, args, { services }) =>
    toConnection(await services.projects.filesOf(project.id), args),
  members: async (project, args, { services }) =>
    toConnection(await services.projects.membersOf(project.id), args, (member) => member.user.id),
} satisfies ResolversFor<ProjectResolvers, MemberProjectRow>;

export const Membership = {
  since: (member) => member.createdAt,
} satisfies ResolversFor<MembershipResolvers, MemberRow>;
