export type {
  ByteRange,
  ObjectBody,
  ObjectStore,
  PresignedGetOptions,
  PutObjectOptions,
  StoredObject,
} from "./storage/object-store.ts";
export { ArtifactError } from "./errors.ts";
export { digestingSource } from "./storage/internal/digesting-source.ts";
export { attachmentContentDisposition } from "./storage/content-disposition.ts";
export { createFileObjectStore, type FileObjectStoreOptions } from "./storage/file-object-store.ts";
export type { S3ObjectStore, S3ObjectStoreOptions } from "./storage/s3-object-store.ts";

export { generateSigningKey, keyIdHex, type SigningKey } from "./signing/signing-key.ts";
export { encodePublicKeyFile, publicKeyLine } from "./signing/public-key-file.ts";
export { signPrehashed, type SignatureOptions } from "./signing/sign.ts";
export type { LoadSigningKeyOptions } from "./signing/load-signing-key.ts";

export { checksumFileText, type ChecksumEntry } from "./checksum-file.ts";

export {
  provenanceStatement,
  serializeStatement,
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
