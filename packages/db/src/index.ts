export type { Db, DbOptions } from "./client.ts";
export type { Prisma, Role, BuildStatus, ArtifactKind } from "../generated/prisma/client.ts";
export { pingDatabase } from "./health.ts";
export {
  ensureLocalUser,
  findUser,
  findUserByLogin,
  upsertGithubUser,
  userSelect,
  type GithubIdentity,
  type UserRow,
} from "./repositories/users.ts";
export {
  addMember,
  boardSelect,
  createBoard,
  createProject,
  findProjectForUser,
  findRole,
  listBoardsByProject,
  listProjectsForUser,
  projectSelect,
  type BoardRow,
  type CreateBoardInput,
  type CreateProjectInput,
  type MemberProjectRow,
  type ProjectRow,
} from "./repositories/projects.ts";
