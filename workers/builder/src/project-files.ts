// The project files a build copies into its image: each version the build was started with,
// streamed from object storage into the build's inputs, where its recipe finds it by file id
// (`/work/in/project-files/<fileId>`, the core's PROJECT_FILES_DIR).
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

import { ArtifactError, digestingSource, type ObjectStore } from "@bbos/artifacts";
import { PROJECT_FILES_DIR } from "@bbos/core/build";
import type { BuildWithConfigRow } from "@bbos/db";

import { PermanentBuildError } from "./permanent-build-error.ts";

/**
 * Writes the build's file versions to `<inputDir>/project-files/<fileId>`, checking each one's
 * size and SHA-256 against its record while it streams.
 *
 * @returns how many files and bytes were written.
 * @throws PermanentBuildError when a version the build copies no longer exists (as a record or
 *   as stored bytes) or its bytes are not the ones uploaded; storage errors otherwise (retried).
 */
export async function writeProjectFiles(
  store: ObjectStore,
  inputDir: string,
  build: Pick<BuildWithConfigRow, "fileVersionIds" | "files">,
): Promise<{ files: number; bytes: number }> {
  const found = new Set(build.files.map((file) => file.versionId));
  const gone = build.fileVersionIds.filter((id) => !found.has(id));
  if (gone.length > 0) {
    throw new PermanentBuildError(
      `the project file version${gone.length === 1 ? "" : "s"} ${gone.join(", ")} this build copies no longer exist${gone.length === 1 ? "s" : ""}; save the board again and start a new build`,
    );
  }
  const dir = join(inputDir, PROJECT_FILES_DIR);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  let bytes = 0;
  for (const file of build.files) {
    const source = await store.read(file.storageKey).catch((error: unknown) => {
      if (!(error instanceof ArtifactError && error.code === "OBJECT_NOT_FOUND")) throw error;
      throw new PermanentBuildError(
        `the stored bytes of project file ${file.fileId} (version ${file.versionId}) are missing`,
        { cause: error },
      );
    });
    const digesting = digestingSource(source);
    await pipeline(digesting.chunks, createWriteStream(join(dir, file.fileId), { mode: 0o644 }));
    const { size, sha256 } = digesting.digests();
    if (size !== file.size || sha256 !== file.sha256) {
      throw new PermanentBuildError(
        `project file ${file.fileId} (version ${file.versionId}) is not what was uploaded: ${size} bytes with SHA-256 ${sha256}, expected ${file.size} bytes with ${file.sha256}`,
      );
    }
    bytes += size;
  }
  return { files: build.files.length, bytes };
}
