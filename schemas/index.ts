/**
 * @bbos/schemas: the board-config JSON Schemas (draft 2020-12) with their @rjsf/core uiSchemas,
 * and the board catalogue. The JSON files are the source of truth; this module registers and types them.
 */
import catalogueJson from "./board-catalogue.json" with { type: "json" };
import schemaV1 from "./board-config/1.schema.json" with { type: "json" };
import uiSchemaV1 from "./board-config/1.ui-schema.json" with { type: "json" };
import schemaV2 from "./board-config/2.schema.json" with { type: "json" };
import uiSchemaV2 from "./board-config/2.ui-schema.json" with { type: "json" };
import schemaV3 from "./board-config/3.schema.json" with { type: "json" };
import uiSchemaV3 from "./board-config/3.ui-schema.json" with { type: "json" };
import type { BoardCatalogue, CatalogueBoard } from "./generated/board-catalogue.ts";

// ---------------------------------------------------------------------------------------------
// Board-config schemas

/** Registry key of a board-config schema version: `board-config/<version>`. */
export type BoardConfigSchemaId = "board-config/1" | "board-config/2" | "board-config/3";

/** A JSON Schema document, kept loose on purpose: validators and forms take it as is. */
export interface JsonSchemaObject {
  readonly $schema?: string;
  readonly $id?: string;
  readonly [keyword: string]: unknown;
}

/** An @rjsf/core uiSchema (`ui:order`, `ui:widget`, `ui:help`, … keyed like the schema's properties). */
export interface UiSchemaObject {
  readonly [key: string]: unknown;
}

export interface BoardConfigSchemaEntry {
  readonly id: BoardConfigSchemaId;
  /** The number after the slash in `id`. */
  readonly version: number;
  /** The schema document; its `$id` is `https://bbos.dev/schemas/<id>`. */
  readonly schema: JsonSchemaObject;
  readonly uiSchema: UiSchemaObject;
}

/** Every board-config schema version, keyed by id. Never edit a published version; add one. */
export const boardConfigSchemas: Readonly<Record<BoardConfigSchemaId, BoardConfigSchemaEntry>> = {
  "board-config/1": { id: "board-config/1", version: 1, schema: schemaV1, uiSchema: uiSchemaV1 },
  "board-config/2": { id: "board-config/2", version: 2, schema: schemaV2, uiSchema: uiSchemaV2 },
  "board-config/3": { id: "board-config/3", version: 3, schema: schemaV3, uiSchema: uiSchemaV3 },
};

/** The version new configs get and older configs migrate to. */
export const latestBoardConfigSchemaId: BoardConfigSchemaId = "board-config/3";

/** Narrows an arbitrary string (for example a stored schema id) to a known id. */
export function isBoardConfigSchemaId(id: string): id is BoardConfigSchemaId {
  return Object.hasOwn(boardConfigSchemas, id);
}

// ---------------------------------------------------------------------------------------------
// Board-config types (hand-written; keep in step with the JSON files)

export type OsVariant = "minimal" | "server" | "desktop";
export type DesktopEnvironment = "xfce" | "gnome" | "kde-plasma" | "cinnamon" | "mate";
export type BuildRecipe = "debian" | "armbian";

export interface BoardConfigUser {
  name: string;
  sudo?: boolean;
  sshKeys?: string[];
  /** crypt(3) hash; writeOnly secret. */
  passwordHash?: string;
}

export interface BoardConfigSsh {
  enabled?: boolean;
  passwordAuthentication?: boolean;
  permitRootLogin?: "no" | "prohibit-password" | "yes";
  port?: number;
}

export interface BoardConfigEthernet {
  mode?: "dhcp" | "static";
  /** IPv4 address with prefix, e.g. `192.168.1.50/24`; required when `mode` is `static`. */
  address?: string;
  gateway?: string;
  dns?: string[];
}

export interface BoardConfigWifi {
  ssid: string;
  /** WPA passphrase; writeOnly secret. */
  psk?: string;
  country?: string;
}

export interface BoardConfigFile {
  fileId: string;
  path: string;
  mode?: string;
}

interface BoardConfigCommon {
  board: string;
  os: {
    release: string;
    branch: string;
    variant: OsVariant;
    /** Required when `variant` is `desktop`. */
    desktop?: DesktopEnvironment;
  };
  kernel?: { cmdline?: string; overlays?: string[] };
  packages?: { install?: string[]; remove?: string[] };
  system: {
    hostname: string;
    locale?: string;
    timezone?: string;
    keyboard?: string;
    users?: BoardConfigUser[];
    ssh?: BoardConfigSsh;
  };
  network?: { ethernet?: BoardConfigEthernet; wifi?: BoardConfigWifi };
  build?: {
    recipe?: BuildRecipe;
    options?: { installHeaders?: boolean; extensions?: string[]; mirror?: string };
  };
  files?: BoardConfigFile[];
}

export type ImageRootfs = "ext4" | "btrfs" | "f2fs";
export type ImageCompression = "xz" | "zstd" | "none";

/** A config valid against `board-config/1`. */
export interface BoardConfigV1 extends BoardConfigCommon {
  image?: { rootfs?: ImageRootfs; sizeMiB?: number; compression?: ImageCompression };
}

/** `board-config/2` image size: MiB 512–65536 or GiB 1–64. */
export interface ImageSize {
  value: number;
  unit: "MiB" | "GiB";
}

/**
 * A config valid against `board-config/2` (differs from v1 only in `image.size`). Also what a
 * recipe receives for a `board-config/3` config: the worker resolves its secret references to
 * the values, which gives this shape.
 */
export interface BoardConfigV2 extends BoardConfigCommon {
  image?: { rootfs?: ImageRootfs; size?: ImageSize; compression?: ImageCompression };
}

/** What a `board-config/3` secret field holds: a reference to a value the server keeps encrypted. */
export interface SecretReference {
  secretId: string;
  revision: number;
}

/** True when `value` has the shape of a {@link SecretReference}, and nothing else. */
export function isSecretReference(value: unknown): value is SecretReference {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { secretId, revision } = value as Record<string, unknown>;
  return (
    typeof secretId === "string" && Number.isInteger(revision) && Object.keys(value).length === 2
  );
}

/**
 * A config valid against `board-config/3`: v2 whose secret fields (`passwordHash`, `psk`) hold a
 * {@link SecretReference} instead of the value.
 */
export type BoardConfigV3 = Omit<BoardConfigV2, "system" | "network"> & {
  system: Omit<BoardConfigV2["system"], "users"> & {
    users?: (Omit<BoardConfigUser, "passwordHash"> & { passwordHash?: SecretReference })[];
  };
  network?: {
    ethernet?: BoardConfigEthernet;
    wifi?: Omit<BoardConfigWifi, "psk"> & { psk?: SecretReference };
  };
};

// ---------------------------------------------------------------------------------------------
// Board catalogue (types generated from board-catalogue.schema.json by `npm run codegen`)

export type {
  BoardCatalogue,
  CatalogueBoard,
  CatalogueBootloader,
  CatalogueFamily,
  CatalogueSource,
} from "./generated/board-catalogue.ts";

/** Debian architecture of an image, as the catalogue names it. */
export type CatalogueArchitecture = CatalogueBoard["architecture"];

/**
 * The board catalogue (`board-catalogue.json`, validated by `board-catalogue.schema.json`). Through
 * `unknown`: TypeScript infers per-board branch keys from the JSON that an index signature cannot
 * take; board-catalogue.test.ts checks the file against the schema the type is generated from.
 */
export const boardCatalogue: BoardCatalogue = catalogueJson as unknown as BoardCatalogue;
