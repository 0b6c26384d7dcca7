// Project files (overlay files, customize scripts): uploaded bytes streamed into object storage
// under `files/<projectId>/<versionId>`, each upload of a path its next immutable version. Access
// follows the viewer's role in the project: members read, `board.edit` uploads and deletes; a
// non-member learns nothing (NOT_FOUND, as for a project that does not exist).
import { randomUUID } from "node:crypto";

import type { ObjectStore } from "@bbos/artifacts";
import { can, DomainError, isRecordId, type ProjectAction } from "@bbos/core";
import {
  addFileVersion,
  countUnfinishedBuildsUsingFile,
  deleteProjectFile,
  findFileVersion,
  findProjectFile,
  findProjectForUser,
  type Db,
  type FileVersionRow,
  type ProjectFileRow,
  type UserRow,
} from "@bbos/db";

import { forbidden, requireProject, requireViewer } from "./board-access.ts";

const FILE_NOT_FOUND = "No such project file, or you are not a member of its project.";

/** Longest project path, in characters. */
const MAX_PATH_LENGTH = 512;
/** Longest segment, in characters: a file name, which is what a download is saved as. */
const MAX_SEGMENT_LENGTH = 255;
/** Control characters (NUL included) and the backslash, which some tools read as a separator. */
const PATH_FORBIDDEN = /[\p{Cc}\\]/u;

/** The default largest file: overlay files and scripts, not root filesystems. */
const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * A project path as stored: relative, `/`-separated, 1 to {@link MAX_PATH_LENGTH} characters,
 * with no empty, `.` or `..` segment, none longer than {@link MAX_SEGMENT_LENGTH}, and no
 * control character or backslash.
 *
 * @throws DomainError `BAD_INPUT` naming the rule that failed.
 */
function parseProjectFilePath(value: unknown): string {
  const refuse = (rule: string) =>
    new DomainError("BAD_INPUT", `A project file path ${rule}.`, { details: { field: "path" } });
  if (typeof value !== "string" || value.length === 0) throw refuse("is required, once");
  if (value.length > MAX_PATH_LENGTH) {
    throw refuse(`has at most ${MAX_PATH_LENGTH} characters (got ${value.length})`);
  }
  if (PATH_FORBIDDEN.test(value)) throw refuse("has no control characters or backslashes");
  if (value.startsWith("/")) throw refuse('is relative to the project (no leading "/")');
  for (const segment of value.split("/")) {
    if (segment === "") throw refuse('has no empty segments (no "//" and no trailing "/")');
    if (segment === "." || segment === "..") throw refuse('has no "." or ".." segments');
    if (segment.length > MAX_SEGMENT_LENGTH) {
      throw refuse(`has segments of at most ${MAX_SEGMENT_LENGTH} characters`);
    }
  }
  return value;
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(
    "PAYLOAD_TOO_LARGE",
    `A project file is at most ${maxBytes} bytes; nothing was stored.`,
    { details: { maxBytes } },
  );
}

/** `body` passed through unchanged, failing with PAYLOAD_TOO_LARGE past `maxBytes`. */
async function* bounded(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

export interface FileServiceOptions {
  db: Db;
  /** Where the bytes go: the installation's object storage, under `files/`. */
  store: ObjectStore;
  /** Largest file accepted, in bytes. @defaultValue {@link DEFAULT_MAX_FILE_BYTES} */
  maxFileBytes?: number;
}

export interface UploadArgs {
  projectId: string;
  /** Where the file lives in the project; checked with {@link parseProjectFilePath}. */
  path: unknown;
  /** The bytes, read once. */
  body: AsyncIterable<Uint8Array>;
  /** The size the client announced (`Content-Length`), refused before reading when too large. */
  announcedBytes?: number | undefined;
}

export function createFileService({
  db,
  store,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
}: FileServiceOptions) {
  /** The file, when the viewer may do `action` with it. */
  async function requireFile(
    viewer: UserRow | null,
    fileId: string,
    action: ProjectAction,
  ): Promise<ProjectFileRow> {
    const user = requireViewer(viewer);
    const file = isRecordId(fileId) ? await findProjectFile(db, fileId) : null;
    const project = file ? await findProjectForUser(db, file.projectId, user.id) : null;
    if (!file || !project) throw new DomainError("NOT_FOUND", FILE_NOT_FOUND);
    if (!can(project.role, action)) throw forbidden(project.role, action);
    return file;
  }

  return {
    maxFileBytes,

    /**
     * Stores `body` as the next version of the project's file at `path` (its first when the
     * path is new): streamed into storage, size and SHA-256 taken on the way, then recorded. A
     * refused or failed upload leaves nothing: no object, no version.
     *
     * @throws DomainError `UNAUTHENTICATED`, `NOT_FOUND` (project absent or hidden),
     *   `FORBIDDEN` (role), `BAD_INPUT` (path), `PAYLOAD_TOO_LARGE` (over the limit).
     */
    async upload(viewer: UserRow | null, args: UploadArgs): Promise<ProjectFileRow> {
      const project = await requireProject(db, viewer, args.projectId, "board.edit");
      const path = parseProjectFilePath(args.path);
      if (args.announcedBytes !== undefined && args.announcedBytes > maxFileBytes) {
        throw tooLarge(maxFileBytes);
      }
      const versionId = randomUUID();
      const storageKey = `files/${project.id}/${versionId}`;
      // A put whose body throws stores nothing (ObjectStore's contract).
      const stored = await store.put(storageKey, bounded(args.body, maxFileBytes));
      try {
        return await addFileVersion(db, {
          projectId: project.id,
          path,
          versionId,
          storageKey,
          size: stored.size,
          sha256: stored.sha256,
          authorId: requireViewer(viewer).id,
        });
      } catch (error) {
        await store.deletePrefix(storageKey);
        throw error;
      }
    },

    /**
     * Deletes the file with all its versions: the records first (so nothing offers them any
     * more), then the stored bytes. Ended builds that copied it keep their artifacts.
     *
     * @throws DomainError `NOT_FOUND` (absent or hidden), `FORBIDDEN` (role), `CONFLICT` while
     *   a queued or running build uses one of its versions.
     */
    async remove(
      viewer: UserRow | null,
      fileId: string,
    ): Promise<{ file: ProjectFileRow; deletedVersionCount: number }> {
      const file = await requireFile(viewer, fileId, "board.edit");
      const builds = await countUnfinishedBuildsUsingFile(db, file.id);
      if (builds > 0) {
        throw new DomainError(
          "CONFLICT",
          `${JSON.stringify(file.path)} is used by ${builds} queued or running build${builds === 1 ? "" : "s"}; cancel them or wait for them to end, then delete it.`,
          { details: { unfinishedBuilds: builds } },
        );
      }
      const storageKeys = await deleteProjectFile(db, file.id);
      if (storageKeys === null) throw new DomainError("NOT_FOUND", FILE_NOT_FOUND);
      for (const key of storageKeys) await store.deletePrefix(key);
      return { file, deletedVersionCount: storageKeys.length };
    },

    /**
     * Version `number` of a file, for a member of its project to download.
     * @throws DomainError `NOT_FOUND` (absent or hidden), `FORBIDDEN` (role).
     */
    async version(
      viewer: UserRow | null,
      ids: { fileId: string; number: number },
    ): Promise<{ file: ProjectFileRow; version: FileVersionRow }> {
      const file = await requireFile(viewer, ids.fileId, "project.read");
      const version =
        Number.isSafeInteger(ids.number) && ids.number > 0
          ? await findFileVersion(db, file.id, ids.number)
          : null;
      if (!version) throw new DomainError("NOT_FOUND", FILE_NOT_FOUND);
      return { file, version };
    },

    /** Opens the bytes of a version the caller has found readable. */
    read: (version: FileVersionRow) => store.read(version.storageKey),
  };
}

export type FileService = ReturnType<typeof createFileService>;
