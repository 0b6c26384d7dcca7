/**
 * What each project role may do. Every transport (GraphQL, the collab socket, downloads) asks
 * here, so a role means the same thing everywhere.
 */
export type ProjectRole = "OWNER" | "MAINTAINER" | "EDITOR" | "VIEWER";

export type ProjectAction =
  /** See the project, its boards, versions and builds; open a board read-only. */
  | "project.read"
  /** Change a board's content (collab writes), create, import, rename, duplicate boards. */
  | "board.edit"
  /** Archive and restore boards. */
  | "board.archive"
  /** Save, restore versions. */
  | "version.save"
  /** Start, cancel and retry builds. */
  | "build.run"
  /** Rename the project. */
  | "project.rename"
  /** Archive and restore the project. */
  | "project.archive"
  /** Invite members, change their roles, remove them (an owner's role only by an owner). */
  | "member.manage"
  /** Read the project's audit trail. */
  | "audit.read"
  /** Make, list and revoke links that let anyone download an artifact. */
  | "artifact.share";

const allowed: Readonly<Record<ProjectAction, readonly ProjectRole[]>> = {
  "project.read": ["OWNER", "MAINTAINER", "EDITOR", "VIEWER"],
  "board.edit": ["OWNER", "MAINTAINER", "EDITOR"],
  "board.archive": ["OWNER", "MAINTAINER"],
  "version.save": ["OWNER", "MAINTAINER", "EDITOR"],
  "build.run": ["OWNER", "MAINTAINER", "EDITOR"],
  "project.rename": ["OWNER", "MAINTAINER"],
  "project.archive": ["OWNER"],
  "member.manage": ["OWNER", "MAINTAINER"],
  "audit.read": ["OWNER", "MAINTAINER"],
  "artifact.share": ["OWNER", "MAINTAINER", "EDITOR"],
};

/** True when a member with `role` may do `action`; a non-member (null) may do nothing. */
export function can(role: ProjectRole | null, action: ProjectAction): boolean {
  return role !== null && allowed[action].includes(role);
}
