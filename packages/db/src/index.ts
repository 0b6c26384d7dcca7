export type { Db, DbClient, DbOptions } from "./client.ts";
export type { Prisma, Role, BuildStatus, ArtifactKind } from "../generated/prisma/client.ts";
export { pingDatabase } from "./health.ts";
export {
  ensureLocalUser,
  upsertGithubUser,
  type GithubIdentity,
  type UserRow,
} from "./repositories/users.ts";
export {
  addMember,
  createBoard,
  createProject,
  findProjectForUser,
  listBoardsByProject,
  listProjectsForUser,
  type BoardRow,
  type CreateBoardInput,
  type CreateProjectInput,
  type MemberProjectRow,
  type ProjectRow,
} from "./repositories/projects.ts";
