import { join } from "node:path";

import { loadOrCreateSigningKey } from "./signing/load-signing-key.ts";
import type { SigningKey } from "./signing/signing-key.ts";
import { createFileObjectStore } from "./storage/file-object-store.ts";
import type { ObjectStore } from "./storage/object-store.ts";
import { createS3ObjectStore } from "./storage/s3-object-store.ts";

/** The storage settings every BBOS process shares (the `DATA_DIR`, `SIGNING_KEY_FILE`, `S3_*` variables). */
export interface ArtifactStorageSettings {
  DATA_DIR: string;
  SIGNING_KEY_FILE?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_REGION: string;
  S3_ENDPOINT?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
}

/** Where artifacts go and the key that signs them, as one installation's processes all see them. */
export interface ArtifactStorage {
  store: ObjectStore;
  signingKey: SigningKey;
  /** True when the key is a generated development key. */
  developmentKey: boolean;
}

/**
 * Opens the installation's artifact storage: S3 when `S3_BUCKET` is set (credentials from the AWS
 * SDK's usual sources), else files under `DATA_DIR/artifacts`; and its signing key:
 * `SIGNING_KEY_FILE`, else the development key under `DATA_DIR/signing` (made on first use, with
 * a warning through `warn`).
 */
export async function openArtifactStorage(
  settings: ArtifactStorageSettings,
  warn: (message: string) => void,
): Promise<ArtifactStorage> {
  const store = settings.S3_BUCKET
    ? createS3ObjectStore({
        bucket: settings.S3_BUCKET,
        region: settings.S3_REGION,
        ...(settings.S3_ENDPOINT ? { endpoint: settings.S3_ENDPOINT } : {}),
        forcePathStyle: settings.S3_FORCE_PATH_STYLE,
      })
    : createFileObjectStore({ root: join(settings.DATA_DIR, "artifacts") });
  const signingKey = await loadOrCreateSigningKey({
    ...(settings.SIGNING_KEY_FILE ? { keyFile: settings.SIGNING_KEY_FILE } : {}),
    devKeyFile: join(settings.DATA_DIR, "signing", "development.key"),
    keyFileSetting: "SIGNING_KEY_FILE",
    warn,
  });
  return { store, signingKey, developmentKey: !settings.SIGNING_KEY_FILE };
}
