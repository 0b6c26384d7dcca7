import type { MutationResolvers, QueryResolvers } from "../../../generated/graphql.ts";

export const shareLinkQueries = {
  shareLinks: (_, { artifactId }, { viewer, services }) =>
    services.shareLinks.list(viewer, artifactId),
} satisfies QueryResolvers;

export const shareLinkMutations = {
  createShareLink: async (_, { input }, { viewer, services }) => {
    const { link, path } = await services.shareLinks.create(viewer, input);
    return { shareLink: link, path };
  },
  revokeShareLink: async (_, { input }, { viewer, services }) => ({
    shareLink: await services.shareLinks.revoke(viewer, input.shareLinkId),
  }),
} satisfies MutationResolvers;
