// A config version's later builds install the package set its first build recorded, so that the
// version keeps giving the same image after the archive moves on: the set is the stored artifact
// of the version's earliest successful build (same recipe and recipe version) that still has it.
import { createHash } from "node:crypto";

import { ArtifactError, type ObjectStore } from "@bbos/artifacts";
import { findFirstBuildArtifact, type BuildWithConfigRow, type Db } from "@bbos/db";

import { PermanentBuildError } from "./permanent-build-error.ts";

/** The package set, as the text of its artifact `name`, and the build that recorded it. */
export type RecordedPackageSetFinder = (
  build: BuildWithConfigRow,
  name: string,
) => Promise<{ buildId: string; text: string } | null>;

/** Finds recorded package sets in the database and reads them from the artifact store. */
export function createRecordedPackageSetFinder(
  db: Db,
  store: ObjectStore,
): RecordedPackageSetFinder {
  return async (build, name) => {
    const artifact = await findFirstBuildArtifact(db, {
      configVersionId: build.configVersionId,
      recipe: build.recipe,
      recipeVersion: build.recipeVersion,
      name,
    });
    if (!artifact) return null;
    const stream = await store.read(artifact.storageKey).catch((error: unknown) => {
      // The object went with its artifact row's deletion: as if nothing were recorded.
      if (error instanceof ArtifactError && error.code === "OBJECT_NOT_FOUND") return null;
      throw error;
    });
    if (!stream) return null;
    const bytes = Buffer.concat(await stream.toArray());
    if (createHash("sha256").update(bytes).digest("hex") !== artifact.sha256) {
      throw new PermanentBuildError(
        `the package set build ${artifact.buildId} recorded (${name}) is not the one stored with it: its SHA-256 differs`,
      );
    }
    return { buildId: artifact.buildId, text: bytes.toString("utf8") };
  };
}
