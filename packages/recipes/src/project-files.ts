// The config's extra files (`files`) as the recipes' scripts read them. The executor puts each
// file's bytes at /work/in/project-files/<fileId> (the core's PROJECT_FILES_DIR); this list says
// where each goes in the image.
import type { BoardConfigV2 } from "@bbos/schemas";

/** The mode an extra file gets when its entry names none (the schema's default). */
const DEFAULT_MODE = "0644";

/**
 * NUL-separated `fileId`, `mode`, `path` triples, one per entry in the config's order (so a
 * later entry for the same path wins). Paths arrive verbatim: the schema refuses NUL in them,
 * modes are octal digits, and a build starts only when every id names a file of the project
 * (a UUID); the scripts check ids and modes again before use.
 */
export function projectFileList(config: Pick<BoardConfigV2, "files">): string {
  return (config.files ?? [])
    .map((file) => `${file.fileId}\0${file.mode ?? DEFAULT_MODE}\0${file.path}\0`)
    .join("");
}
