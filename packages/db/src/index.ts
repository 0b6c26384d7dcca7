export type { Db, DbClient, DbOptions } from "./client.ts";
export type {
  Prisma,
  Role,
  BuildStatus,
  ArtifactKind,
  AuditOutcome,
} from "../generated/prisma/client.ts";
export { pingDatabase } from "./health.ts";
export { transaction } from "./transaction.ts";
export {
  ensureDevUser,
  ensureLocalUser,
  ensureUserByLogin,
  findUser,
  findUserByLogin,
  upsertGithubUser,
  type GithubIdentity,
  type UserRow,
} from "./repositories/users.ts";
export {
  addMember,
  createProject,
  findProjectBySlug,
  findProjectForUser,
  findRole,
  LastOwnerError,
  listMembers,
  listProjectsForUser,
  setMemberRole,
  updateProject,
  type CreateProjectInput,
  type MemberProjectRow,
  type MemberRow,
  type ProjectRow,
} from "./repositories/projects.ts";
export {
  createBoard,
  duplicateBoard,
  findBoard,
  findBoardForUser,
  listBoardsByProject,
  updateBoard,
  type BoardChanges,
  type BoardRow,
  type CreateBoardInput,
  type MemberBoardRow,
} from "./repositories/boards.ts";
export { isUniqueViolation } from "./unique-violation.ts";
export {
  appendBoardUpdates,
  compactBoardLog,
  readBoardLog,
  type BoardLog,
  type BoardUpdateEntry,
} from "./repositories/board-log.ts";
export {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  findLiveSession,
  SESSION_TOUCH_INTERVAL_MS,
  touchSession,
  type CreateSessionInput,
  type LiveSession,
  type SessionExpiry,
} from "./repositories/sessions.ts";
export {
  createConfigVersion,
  findVersionByContentHash,
  findVersionForUser,
  findVersionsById,
  listVersionsByBoard,
  type ConfigVersionRow,
  type CreateConfigVersionInput,
  type MemberVersionRow,
  type VersionWithConfigRow,
} from "./repositories/versions.ts";
export {
  changeBuild,
  countBuilds,
  createBuild,
  deleteArtifacts,
  findArtifactForUser,
  findBuild,
  findBuildForUser,
  findBuildWithConfig,
  findFirstBuildArtifact,
  findReusableBuild,
  listArtifacts,
  listBuilds,
  listUnfinishedBuilds,
  queuePosition,
  successfulBuildDurations,
  type ArtifactInput,
  type ArtifactRow,
  type BuildChange,
  type BuildFilter,
  type BuildRow,
  type BuildFileRow,
  type BuildWithConfigRow,
  type CreateBuildInput,
  type MemberBuildRow,
} from "./repositories/builds.ts";
export {
  createApiToken,
  findLiveApiToken,
  listApiTokens,
  revokeApiToken,
  TOKEN_TOUCH_INTERVAL_MS,
  touchApiToken,
  type ApiTokenRow,
  type CreateApiTokenInput,
  type LiveApiToken,
} from "./repositories/api-tokens.ts";
export {
  appendAuditEvent,
  listAuditEvents,
  projectOfTarget,
  type AuditEventFilter,
  type AuditEventInput,
  type AuditEventRow,
} from "./repositories/audit.ts";
export {
  createShareLink,
  findShareLink,
  listShareLinks,
  revokeShareLink,
  useShareLink,
  type ShareLinkRow,
} from "./repositories/share-links.ts";
export {
  addFileVersion,
  countUnfinishedBuildsUsingFile,
  deleteProjectFile,
  findBoardProjectFiles,
  findFileVersion,
  findProjectFile,
  listProjectFiles,
  type AddFileVersionInput,
  type FileVersionRow,
  type ProjectFileRow,
} from "./repositories/project-files.ts";
export { resolveSecret, storeSecret, type StoreSecretInput } from "./repositories/secrets.ts";
export {
  newSecretKeyRingText,
  openSecretKeyRing,
  parseSecretKeyRing,
  type SealedSecret,
  type SecretKeyRing,
} from "./secrets/key-ring.ts";
