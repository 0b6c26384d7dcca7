// What the builder image, the one image every recipe step runs in, is made of. It lives in code
// so that the API (which puts the definition's hash into build cache keys) and the workers (which
// make the image) agree without reading files; a changed definition is a new image and new keys.
import { canonicalJson, sha256Hex } from "@bbos/core/build";

/**
 * The base image, made locally (no registry): `debootstrap --variant=minbase` of the release.
 * The mirror is deliberately not part of it: any Debian mirror serves the same release, and the
 * tag must be equal on every machine.
 */
export const baseImageDefinition = {
  format: 1,
  tool: "debootstrap",
  variant: "minbase",
  release: "bookworm",
} as const;

/** Lowercase hex SHA-256 of the canonical JSON of {@link baseImageDefinition}. */
export function baseImageId(): string {
  return sha256Hex(canonicalJson(baseImageDefinition));
}

/** `bbos-base:<first 16 hex chars of baseImageId()>`. */
export function baseImageTag(): string {
  return `bbos-base:${baseImageId().slice(0, 16)}`;
}

/** The tools recipes use, installed without recommends. Sorted; keep it so. */
export const BUILDER_PACKAGES = [
  "apt-utils",
  "arch-test",
  "binfmt-support",
  "ca-certificates",
  "dosfstools",
  "e2fsprogs",
  "fdisk",
  "git",
  "grub-efi-amd64-bin",
  "mmdebstrap",
  "mtools",
  "qemu-user-static",
  "u-boot-tools",
  "xz-utils",
  "zstd",
] as const;

/** Everything the builder image is made from; its hash is the image's identity. */
export interface BuilderImageDefinition {
  format: 1;
  release: string;
  base: typeof baseImageDefinition;
  packages: readonly string[];
  dockerfile: string;
}

/**
 * The definition for `packages` on top of the base image (the Dockerfile follows from both).
 * Exported so tests can show that the tag follows the package list.
 */
export function defineBuilderImage(packages: readonly string[]): BuilderImageDefinition {
  const dockerfile = [
    `FROM ${baseImageTag()}`,
    "RUN apt-get update \\",
    " && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\",
    `    ${packages.join(" ")} \\`,
    " && apt-get clean \\",
    " && rm -rf /var/lib/apt/lists/*",
    "",
  ].join("\n");
  return {
    format: 1,
    release: baseImageDefinition.release,
    base: baseImageDefinition,
    packages,
    dockerfile,
  };
}

/** The builder image's definition. The mirror is not part of it: it does not change the image. */
export const builderImageDefinition: BuilderImageDefinition = defineBuilderImage(BUILDER_PACKAGES);

/** Lowercase hex SHA-256 of the canonical JSON of the definition: what build cache keys use. */
export function builderImageId(definition = builderImageDefinition): string {
  return sha256Hex(canonicalJson(definition));
}

/** `bbos-builder:<first 16 hex chars of builderImageId()>`. */
export function builderImageTag(definition = builderImageDefinition): string {
  return `bbos-builder:${builderImageId(definition).slice(0, 16)}`;
}
