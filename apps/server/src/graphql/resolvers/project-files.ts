import type { FileVersionRow } from "@bbos/db";

import type { FileVersionResolvers, MutationResolvers } from "../../../generated/graphql.ts";
import { fileVersionPath } from "../../http/artifact-paths.ts";
import type { ResolversFor } from "../resolvers-for.ts";

export const projectFileMutations = {
  deleteProjectFile: async (_, { input }, { viewer, services }) => {
    const { file, deletedVersionCount } = await services.files.remove(viewer, input.fileId);
    return { deletedFileId: file.id, deletedVersionCount };
  },
} satisfies MutationResolvers;

export const FileVersion = {
  downloadPath: (version) => fileVersionPath(version),
} satisfies ResolversFor<FileVersionResolvers, FileVersionRow>;
