export {
  ArtifactError,
  InvalidObjectKeyError,
  InvalidRangeError,
  ObjectNotFoundError,
  SigningKeyError,
  type ArtifactErrorCode,
} from "./errors.ts";

export type {
  ByteRange,
  ObjectBody,
  ObjectStore,
  PresignedGetOptions,
  PutObjectOptions,
  StoredObject,
} from "./storage/object-store.ts";
export { assertKeyPrefix, assertObjectKey, MAX_OBJECT_KEY_LENGTH } from "./storage/object-key.ts";
export { attachmentContentDisposition } from "./storage/content-disposition.ts";
export { createFileObjectStore, type FileObjectStoreOptions } from "./storage/file-object-store.ts";
export {
  createS3ObjectStore,
  type S3ObjectStore,
  type S3ObjectStoreOptions,
} from "./storage/s3-object-store.ts";

export { generateSigningKey, keyIdHex, type SigningKey } from "./signing/signing-key.ts";
export { encodeSecretKeyFile, parseSecretKeyFile } from "./signing/secret-key-file.ts";
export { encodePublicKeyFile, publicKeyLine } from "./signing/public-key-file.ts";
export { signFile, signPrehashed, type SignatureOptions } from "./signing/sign.ts";
export { loadOrCreateSigningKey, type LoadSigningKeyOptions } from "./signing/load-signing-key.ts";

export { checksumFileText, type ChecksumEntry } from "./checksum-file.ts";

export {
  BBOS_BUILD_TYPE,
  provenanceStatement,
  serializeStatement,
  STAGE_TIMINGS_BYPRODUCT,
  type DigestedFile,
  type ProvenanceInput,
  type ProvenanceStatement,
  type ResourceDescriptor,
  type StageTiming,
  type Timestamp,
} from "./provenance/provenance-statement.ts";

export {
  openArtifactStorage,
  type ArtifactStorage,
  type ArtifactStorageSettings,
} from "./open-artifact-storage.ts";
