import type { ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import { boardCatalogue, type BuildRecipe } from "@bbos/schemas";

import { releasesFor } from "./catalogue/releases-for.ts";
import { addBoardConfigKeywords } from "./config-ajv.ts";
import type { ConfigCatalogue, ConfigCatalogueBoard } from "./config-catalogue.ts";
import type { ConfigSchemaEntry } from "./config-validator.ts";
import { DomainError } from "./errors.ts";
import type { JsonObject, JsonValue } from "./safe-json.ts";

/** The kernel branch the debian recipe always uses (rules/branch-supported.ts). */
const DEBIAN_RECIPE_BRANCH = "current";

/** A single RFC 1123 label, as `system.hostname` requires. */
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Ajv with `useDefaults`, one per schema object, compiled on first use. Separate from the
 * validators' Ajv on purpose (config-ajv.ts): validation never changes its input, this exists
 * only to write the schema's defaults into a config being created. `allErrors`, so that a
 * property that fails (the board id is the caller's) does not stop the defaults after it.
 */
const defaulters = new WeakMap<object, ValidateFunction>();

function defaulterFor(schema: object): ValidateFunction {
  let defaulter = defaulters.get(schema);
  if (defaulter === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: true });
    addFormats(ajv);
    addBoardConfigKeywords(ajv);
    defaulter = ajv.compile(schema);
    defaulters.set(schema, defaulter);
  }
  return defaulter;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `config[key]` as an object, created when absent. */
function objectAt(config: JsonObject, key: string): JsonObject {
  const value = config[key];
  if (isObject(value)) return value;
  const created: JsonObject = {};
  config[key] = created;
  return created;
}

/**
 * The root's required object properties without a default (`os` and `system` in schemas 1 and
 * 2) start empty, so that Ajv fills their properties' defaults; everything else with a default
 * Ajv creates itself.
 */
function skeleton(schema: object, boardId: string): JsonObject {
  const { required, properties } = schema as {
    required?: unknown;
    properties?: Record<string, { type?: unknown; default?: unknown } | undefined>;
  };
  const config: JsonObject = { board: boardId };
  for (const key of Array.isArray(required) ? (required as unknown[]) : []) {
    if (typeof key !== "string" || key === "board") continue;
    const property = properties?.[key];
    if (property?.type === "object" && property.default === undefined) config[key] = {};
  }
  return config;
}

/** A host name from a board id: its allowed characters, at most 63, no hyphen at either end. */
function hostnameFrom(boardId: string): string {
  const label = boardId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
  return label === "" ? "board" : label;
}

/**
 * A config for `board` that is valid against `schema` out of the box: the schema's `default`s
 * (Ajv's `useDefaults`), `board` set to the catalogue id, and where a default does not fit the
 * board, a value that does, taken from the catalogue in its order:
 *
 * - `build.recipe`: the schema's default when the board offers it, else the board's first recipe;
 * - `os.release`: the default when the board accepts it with the recipe (`releasesFor`: recipe,
 *   family, for debian the boot-loader package, and still supported upstream), else the first
 *   release that is;
 * - `os.branch`: `current` with the debian recipe, else the default when the board offers it,
 *   else the board's first branch;
 * - `system.hostname`: the default, or one derived from the board id when the schema has none
 *   that is a host name.
 *
 * A fresh object every call; `schema` and `catalogue` are not changed.
 *
 * @throws DomainError `BAD_INPUT` when the catalogue offers no recipe, or no release for the
 *   chosen recipe, for the board (a catalogue bug: such a board cannot be built at all).
 */
export function defaultBoardConfig(
  schema: ConfigSchemaEntry,
  board: ConfigCatalogueBoard,
  catalogue: ConfigCatalogue = boardCatalogue,
): JsonObject {
  const config = skeleton(schema.schema, board.id);
  // The verdict does not matter here, only the defaults Ajv writes while it checks.
  void defaulterFor(schema.schema)(config);

  const build = objectAt(config, "build");
  const preferred = build["recipe"];
  const recipe = board.recipes.find((candidate) => candidate === preferred) ?? board.recipes[0];
  if (recipe === undefined) {
    throw new DomainError("BAD_INPUT", `The catalogue offers no build recipe for ${board.name}.`);
  }
  build["recipe"] = recipe;

  const os = objectAt(config, "os");
  const releases = releasesFor(catalogue, board, recipe).map((entry) => entry.name);
  const release = releases.find((candidate) => candidate === os["release"]) ?? releases[0];
  if (release === undefined) {
    throw new DomainError(
      "BAD_INPUT",
      `The catalogue offers no release of the ${recipe} recipe for ${board.name}.`,
    );
  }
  os["release"] = release;
  os["branch"] = branchFor(board, recipe, os["branch"]);

  const system = objectAt(config, "system");
  const hostname = system["hostname"];
  if (typeof hostname !== "string" || !HOSTNAME.test(hostname)) {
    system["hostname"] = hostnameFrom(board.id);
  }
  return config;
}

function branchFor(
  board: ConfigCatalogueBoard,
  recipe: BuildRecipe,
  preferred: JsonValue | undefined,
): string {
  if (recipe === "debian") return DEBIAN_RECIPE_BRANCH;
  const offered = board.branches.find((branch) => branch === preferred) ?? board.branches[0];
  return offered ?? DEBIAN_RECIPE_BRANCH;
}
