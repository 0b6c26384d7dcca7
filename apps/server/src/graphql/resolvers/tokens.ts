import type { MutationResolvers, QueryResolvers } from "../../../generated/graphql.ts";
import { toConnection } from "../connection.ts";

export const tokenQueries = {
  apiTokens: async (_, args, { viewer, services }) =>
    toConnection(await services.tokens.list(viewer), args),
} satisfies QueryResolvers;

export const tokenMutations = {
  createApiToken: async (_, { input }, { viewer, services }) => {
    const { token, secret } = await services.tokens.create(viewer, {
      name: input.name,
      scopes: input.scopes,
      expiresInDays: input.expiresInDays,
    });
    return { apiToken: token, secret };
  },
  revokeApiToken: async (_, { input }, { viewer, services }) => ({
    apiToken: await services.tokens.revoke(viewer, input.tokenId),
  }),
} satisfies MutationResolvers;
