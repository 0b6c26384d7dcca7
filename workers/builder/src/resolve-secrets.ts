// Secret config fields hold references; only here, inside the build, do they become values.
import {
  isSecretReference,
  secretFields,
  withSecretFields,
  type JsonObject,
  type JsonValue,
} from "@bbos/core/build";
import { resolveSecret, type BuildWithConfigRow, type Db, type SecretKeyRing } from "@bbos/db";
import { boardConfigSchemas, isBoardConfigSchemaId } from "@bbos/schemas";

import { PermanentBuildError } from "./permanent-build-error.ts";

/** Turns a build's config into the one its recipe gets: each secret reference replaced by its value. */
export type SecretResolver = (build: BuildWithConfigRow) => Promise<JsonObject>;

/**
 * Resolves references within the build's own project, with the installation's key ring. A
 * reference the project does not have (copied from another project's export, say) fails the
 * build for good, naming the field.
 */
export function createSecretResolver(db: Db, ring: SecretKeyRing): SecretResolver {
  return async (build) => {
    if (!isBoardConfigSchemaId(build.schemaId)) return build.config;
    const values: { path: string[]; value: JsonValue }[] = [];
    for (const { pointer, path, value } of secretFields(
      boardConfigSchemas[build.schemaId].schema,
      build.config,
    )) {
      if (!isSecretReference(value)) continue;
      const resolved = await resolveSecret(db, ring, build.projectId, value);
      if (resolved === null) {
        throw new PermanentBuildError(
          `the secret at ${pointer} is not set in this project (secret ${value.secretId}, revision ${value.revision}); set it again on the board and save a new version`,
        );
      }
      values.push({ path, value: resolved });
    }
    return values.length === 0 ? build.config : withSecretFields(build.config, values);
  };
}
