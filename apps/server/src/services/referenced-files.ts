// The project files a board config references (`files[].fileId`), checked against the board's
// project: the core's rules are pure and never see the database, so this check is the server's,
// made where a build starts (a file may be deleted after a version referencing it was saved).
import { isRecordId, type BoardId, type JsonObject, type ValidationIssue } from "@bbos/core";
import { findBoardProjectFiles, type Db, type ProjectFileRow } from "@bbos/db";

/** The referenced files, each once, by path; an issue for each entry that names none of them. */
export interface ReferencedFiles {
  files: ProjectFileRow[];
  issues: ValidationIssue[];
}

/** The `fileId` of each entry of the config's `files`, with its index, as far as it has one. */
function fileIdsOf(config: JsonObject): { index: number; fileId: string }[] {
  const entries = config["files"];
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry, index) => {
    const fileId =
      entry && typeof entry === "object" && !Array.isArray(entry) ? entry["fileId"] : undefined;
    return typeof fileId === "string" ? [{ index, fileId }] : [];
  });
}

/**
 * The files of the board's project that `config` references, with their newest versions (what
 * a build started now copies), and a `FILE_UNKNOWN` error at `/files/<n>/fileId` for each entry
 * whose id names no file of that project (a deleted one, another project's, a made-up one).
 */
export async function referencedFiles(
  db: Db,
  boardId: BoardId,
  config: JsonObject,
): Promise<ReferencedFiles> {
  const entries = fileIdsOf(config);
  if (entries.length === 0) return { files: [], issues: [] };
  const ids = [...new Set(entries.map((entry) => entry.fileId).filter(isRecordId))];
  const files = ids.length === 0 ? [] : await findBoardProjectFiles(db, boardId, ids);
  const known = new Set(files.map((file) => file.id));
  const issues = entries
    .filter((entry) => !known.has(entry.fileId))
    .map(({ index, fileId }): ValidationIssue => ({
      path: `/files/${index}/fileId`,
      code: "FILE_UNKNOWN",
      message: `Extra file ${index + 1} names ${JSON.stringify(fileId.slice(0, 64))}, which is no file of this project; upload the file and choose it again.`,
      severity: "error",
    }));
  return { files, issues };
}
