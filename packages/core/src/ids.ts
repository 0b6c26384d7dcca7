// Ids of the domain's records. At runtime each is a plain string (a UUID); the brand exists only
// for the type checker, so passing a board id where a project id belongs fails typecheck instead
// of returning "not found" at runtime. Values get their brand where they are known to be that
// kind of id: the repositories in @bbos/db brand what they read from each table, and entry points
// check untrusted strings with a guard such as `isProjectId`.

/** The id of a User row. */
export type UserId = string & { readonly __brand: "UserId" };

/** The id of a Project row. */
export type ProjectId = string & { readonly __brand: "ProjectId" };

/** The id of a Board row. */
export type BoardId = string & { readonly __brand: "BoardId" };

/** The id of a Build row; also the id of the build's `build.run` job. */
export type BuildId = string & { readonly __brand: "BuildId" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True if `value` is shaped like a project id (a UUID). It says nothing about whether the
 * project exists; it lets a caller answer "no such project" for garbage input without asking
 * the database, which would reject a non-UUID with a type error.
 */
export function isProjectId(value: string): value is ProjectId {
  return UUID.test(value);
}

/** True if `value` is shaped like a board id (a UUID); see {@link isProjectId}. */
export function isBoardId(value: string): value is BoardId {
  return UUID.test(value);
}

/** The id of a ConfigVersion row. */
export type ConfigVersionId = string & { readonly __brand: "ConfigVersionId" };

/** True if `value` is shaped like a config version id (a UUID); see {@link isProjectId}. */
export function isConfigVersionId(value: string): value is ConfigVersionId {
  return UUID.test(value);
}

/**
 * True if `value` is shaped like the id of any row (a UUID): for ids of records without a
 * branded type of their own (artifacts, API tokens, share links). See {@link isProjectId}.
 */
export function isRecordId(value: string): boolean {
  return UUID.test(value);
}

/** True if `value` is shaped like a build id (a UUID); see {@link isProjectId}. */
export function isBuildId(value: string): value is BuildId {
  return UUID.test(value);
}
