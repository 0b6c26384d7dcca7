import { DomainError } from "./errors.ts";

/** A config as migrations see it: a JSON object. */
export type MigratableConfig = Record<string, unknown>;

/**
 * One pure step between two adjacent schema versions. `migrate` receives a config valid against
 * `from` (a private deep copy, so it may reuse parts of it) and returns a config valid against `to`.
 */
export interface SchemaMigration {
  readonly from: string;
  readonly to: string;
  readonly migrate: (config: MigratableConfig) => MigratableConfig;
}

/** Whole GiB are written in GiB, anything else stays in MiB (schemas/README.md, "Migration 1 → 2"). */
const MIB_PER_GIB = 1024;

/**
 * `board-config/1` → `board-config/2`, exactly as `schemas/README.md` specifies: `image.sizeMiB: N`
 * becomes `image.size`, `{ value: N / 1024, unit: "GiB" }` when N is a whole number of GiB
 * (2048 → 2 GiB), otherwise `{ value: N, unit: "MiB" }` (3000 → 3000 MiB). No `sizeMiB` (or no
 * `image`) gives no `size`. Everything else is copied unchanged, key order included.
 */
const boardConfig1To2: SchemaMigration = {
  from: "board-config/1",
  to: "board-config/2",
  migrate(config) {
    const image = config["image"];
    if (!isRecord(image) || !Object.hasOwn(image, "sizeMiB")) return config;
    const nextImage: MigratableConfig = {};
    for (const [key, value] of Object.entries(image)) {
      if (key !== "sizeMiB") {
        nextImage[key] = value;
        continue;
      }
      // A valid v1 size is an integer from 512 to 65536, so both forms stay in v2's ranges.
      const sizeMiB = value as number;
      nextImage["size"] =
        sizeMiB % MIB_PER_GIB === 0
          ? { value: sizeMiB / MIB_PER_GIB, unit: "GiB" }
          : { value: sizeMiB, unit: "MiB" };
    }
    return { ...config, image: nextImage };
  },
};

/**
 * `board-config/2` → `board-config/3` (`schemas/README.md`, "Migration 2 → 3"): secret fields
 * change from the value to a reference to it. A pure step cannot store a value, so this one keeps
 * everything as it is; whoever migrates a config with secret values (the server, when it
 * upgrades or imports a board) moves each into the secret store and writes the reference in the
 * same change.
 */
const boardConfig2To3: SchemaMigration = {
  from: "board-config/2",
  to: "board-config/3",
  migrate: (config) => config,
};

/** Every migration step, oldest first. Add one per new schema version. */
const schemaMigrations: readonly SchemaMigration[] = [boardConfig1To2, boardConfig2To3];

/**
 * Moves a config from one schema version to a later one by chaining the steps in `migrations`.
 * Returns a new object; the input is never changed (it is deep-copied first), and `from === to`
 * returns a copy. Validate the input against `fromSchemaId` first: steps assume a valid config.
 *
 * @throws DomainError `SCHEMA_NOT_FOUND` when no chain of steps leads from `fromSchemaId` to
 *   `toSchemaId` (unknown ids, or a downgrade); `BAD_INPUT` when `config` is not an object.
 */
export function migrateConfig(
  config: unknown,
  fromSchemaId: string,
  toSchemaId: string,
  migrations: readonly SchemaMigration[] = schemaMigrations,
): MigratableConfig {
  if (!isRecord(config)) {
    throw new DomainError("BAD_INPUT", "Only a config object can be migrated.", {
      details: { path: "" },
    });
  }
  const chain = findMigrationChain(fromSchemaId, toSchemaId, migrations);
  let current = structuredClone(config);
  for (const step of chain) current = step.migrate(current);
  return current;
}

/**
 * The steps from `fromSchemaId` to `toSchemaId`, in order; empty when they are equal and known.
 *
 * @throws DomainError `SCHEMA_NOT_FOUND` when there is no such chain.
 */
export function findMigrationChain(
  fromSchemaId: string,
  toSchemaId: string,
  migrations: readonly SchemaMigration[] = schemaMigrations,
): SchemaMigration[] {
  const known = [...new Set(migrations.flatMap((step) => [step.from, step.to]))].sort();
  const chain: SchemaMigration[] = [];
  const visited = new Set([fromSchemaId]);
  let at = fromSchemaId;
  while (at !== toSchemaId || !known.includes(at)) {
    const step = migrations.find((candidate) => candidate.from === at);
    // `visited` stops a cyclic step list from looping forever.
    if (step === undefined || visited.has(step.to)) {
      throw new DomainError(
        "SCHEMA_NOT_FOUND",
        `No migration from "${fromSchemaId}" to "${toSchemaId}"; known schemas: ${known.join(", ")}.`,
        { details: { fromSchemaId, toSchemaId, known } },
      );
    }
    chain.push(step);
    visited.add(step.to);
    at = step.to;
  }
  return chain;
}

function isRecord(value: unknown): value is MigratableConfig {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
