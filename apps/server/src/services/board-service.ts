import DataLoader from "dataloader";

import {
  can,
  canonicalJson,
  defaultBoardConfig,
  DomainError,
  isDomainError,
  isProjectId,
  isSecretReference,
  migrateConfig,
  parseConfigJson,
  secretValueIssues,
  secretValueSchema,
  toJsonPointer,
  type BoardId,
  type JsonObject,
  type JsonValue,
  type ProjectAction,
  type SecretReference,
  type ProjectId,
  type ValidationResult,
} from "@bbos/core";
import {
  createBoard,
  duplicateBoard,
  findProjectForUser,
  isUniqueViolation,
  readBoardLog,
  storeSecret,
  transaction,
  updateBoard,
  type BoardRow,
  type Db,
  type DbClient,
  type SecretKeyRing,
  type UserRow,
} from "@bbos/db";
import {
  boardCatalogue,
  boardConfigSchemas,
  latestBoardConfigSchemaId,
  type BoardConfigSchemaId,
} from "@bbos/schemas";

import { pointerToFieldPath, readConfig, setConfig } from "@bbos/collab";

import type { CollabHub } from "../collab/collab-hub.ts";
import { configFromStore, encodeConfigState } from "../collab/stored-document.ts";
import {
  BOARD_NOT_FOUND_MESSAGE,
  createBoardAccess,
  forbidden,
  requireViewer,
} from "./board-access.ts";
import { echo, parseDisplayName } from "./display-name.ts";
import { liftSecrets, withIssues, type LiftedSecret } from "./lift-secrets.ts";
import type { ValidationService } from "./validation-service.ts";

/** Checked before the document is touched: schemas only move forward, along the migrations. */
function refuseWithoutMigration(from: string, to: BoardConfigSchemaId): void {
  try {
    migrateConfig({}, from, to);
  } catch (error) {
    if (!isDomainError(error) || error.code !== "SCHEMA_NOT_FOUND") throw error;
    throw new DomainError(
      "BAD_INPUT",
      `No migration leads from ${from} to ${to}: a board moves to newer schemas only.`,
      { cause: error, details: { field: "schemaId", from, to } },
    );
  }
}

/** Runs a write that may hit the (project, name) unique index, mapping that to CONFLICT. */
async function withNameUnique<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new DomainError(
      "CONFLICT",
      `This project already has a board named ${echo(name)} (archived boards keep their names); choose another name.`,
      { cause: error, details: { field: "name" } },
    );
  }
}

function refuseArchived(board: BoardRow, doing: string): void {
  if (board.archivedAt === null) return;
  throw new DomainError(
    "CONFLICT",
    `Board ${echo(board.name)} is archived; restore it before ${doing} it.`,
    { details: { archivedAt: board.archivedAt.toISOString() } },
  );
}

/**
 * A verdict for text `parseConfigJson` refused (not JSON, too deep, too large): the same shape as
 * a schema verdict, so an import reports every reason it refused a file the same way.
 */
function unparsableResult(schemaId: string, error: DomainError): ValidationResult {
  const path = typeof error.details?.["path"] === "string" ? error.details["path"] : "";
  return {
    valid: false,
    schemaId,
    issues: [
      {
        path,
        code: error.code === "PAYLOAD_TOO_LARGE" ? "CONFIG_TOO_LARGE" : "CONFIG_NOT_JSON",
        message: error.message,
        severity: "error",
      },
    ],
    omittedIssueCount: 0,
  };
}

export interface CreateBoardArgs {
  projectId: string;
  name: string;
  catalogueBoardId: string;
}

export interface ImportBoardArgs {
  projectId: string;
  name: string;
  configJson: string;
  /** @defaultValue the latest schema */
  schemaId?: BoardConfigSchemaId | null;
}

export interface SetSecretArgs {
  boardId: string;
  /** JSON Pointer of a secret field. */
  field: string;
  /** Null clears the field. */
  value: string | null;
}

export interface BoardServiceOptions {
  db: Db;
  validation: ValidationService;
  collab: CollabHub;
  /** Seals the values of secret config fields. */
  secrets: SecretKeyRing;
}

/**
 * Board lifecycle use cases for one request: create (from the catalogue's defaults), import,
 * rename, duplicate, archive, restore, and reads of a board's config and its validation. The
 * caller passes the viewer; access follows the viewer's role (`can`): a non-member learns
 * nothing (NOT_FOUND, as for a missing board), a member without the permission gets FORBIDDEN.
 * A board's config is read from its stored Yjs document once per request.
 */
export function createBoardService({ db, validation, collab, secrets }: BoardServiceOptions) {
  const access = createBoardAccess(db);
  const configs = new DataLoader<BoardId, JsonObject>(
    (ids) =>
      Promise.all(
        ids.map(async (id) => {
          const log = await readBoardLog(db, id);
          // The board was found a moment ago; gone now means deleted with its project.
          if (!log) throw new DomainError("NOT_FOUND", BOARD_NOT_FOUND_MESSAGE);
          return configFromStore(log);
        }),
      ),
    // One board at a time: readBoardLog reads one document, and a page of boards asking for
    // their configs is bounded by the cost model.
    { batch: false },
  );

  async function requireProject(
    viewer: UserRow | null,
    projectId: string,
    action: ProjectAction,
  ): Promise<ProjectId> {
    const user = requireViewer(viewer);
    const project = isProjectId(projectId)
      ? await findProjectForUser(db, projectId, user.id)
      : null;
    if (!project) {
      throw new DomainError("NOT_FOUND", "No such project, or you are not a member of it.");
    }
    if (!can(project.role, action)) throw forbidden(project.role, action);
    return project.id;
  }

  function configOf(board: BoardRow): Promise<JsonObject> {
    return configs.load(board.id);
  }

  async function validationOf(board: BoardRow): Promise<ValidationResult> {
    return validation.validate(board.schemaId, await configOf(board));
  }

  /** Stores the values {@link liftSecrets} took out of a board's config, as their first revisions. */
  async function storeLifted(
    tx: DbClient,
    board: BoardRow,
    lifted: readonly LiftedSecret[],
    createdById: string,
  ): Promise<void> {
    for (const { pointer, reference, value } of lifted) {
      await storeSecret(tx, secrets, {
        projectId: board.projectId,
        boardId: board.id,
        field: pointer,
        value,
        createdById,
        current: null,
        newId: reference.secretId,
      });
    }
  }

  async function insert(
    projectId: ProjectId,
    name: string,
    schemaId: BoardConfigSchemaId,
    config: JsonObject,
    alsoStore?: (tx: DbClient, board: BoardRow) => Promise<void>,
  ): Promise<BoardRow> {
    const state = encodeConfigState(config);
    const board = await withNameUnique(name, () =>
      transaction(db, async (tx) => {
        const created = await createBoard(tx, { projectId, name, schemaId, state });
        await alsoStore?.(tx, created);
        return created;
      }),
    );
    configs.prime(board.id, config);
    return board;
  }

  return {
    /** The board if the viewer may see it; null when absent or hidden. Archived boards too. */
    get: (viewer: UserRow | null, boardId: string) => access.readable(viewer, boardId),

    /** The config the board's document holds. The caller has checked access to the board. */
    config: configOf,

    /** The board's config checked against the board's schema and the cross-field rules. */
    validation: validationOf,

    /** The board's config as canonical JSON (RFC 8785), or null as for {@link get}. */
    async export(viewer: UserRow | null, boardId: string): Promise<string | null> {
      const board = await access.readable(viewer, boardId);
      return board ? canonicalJson(await configOf(board)) : null;
    },

    /**
     * A new board on the latest schema, starting from the catalogue board's defaults
     * (`defaultBoardConfig`), so it is valid out of the box.
     *
     * @throws DomainError `BAD_INPUT` for an unknown catalogue board or a bad name, `CONFLICT`
     *   for a name taken in the project.
     */
    async create(viewer: UserRow | null, args: CreateBoardArgs): Promise<BoardRow> {
      const projectId = await requireProject(viewer, args.projectId, "board.edit");
      const name = parseDisplayName("board", args.name);
      const target = boardCatalogue.boards.find((entry) => entry.id === args.catalogueBoardId);
      if (!target) {
        throw new DomainError(
          "BAD_INPUT",
          `Unknown catalogue board ${echo(args.catalogueBoardId)}; catalogueBoards lists the boards BBOS builds for.`,
          { details: { field: "catalogueBoardId" } },
        );
      }
      const schemaId = latestBoardConfigSchemaId;
      const config = defaultBoardConfig(boardConfigSchemas[schemaId], target, boardCatalogue);
      return insert(projectId, name, schemaId, config);
    },

    /**
     * Validates `configJson` (the validation service: parse limits, schema, rules), then creates
     * a board holding it. An invalid config creates nothing: the verdict says why, with JSON
     * Pointers to the issues, and `board` is null.
     *
     * @throws DomainError `BAD_INPUT` for a bad name, `CONFLICT` for a name taken in the project.
     */
    async import(
      viewer: UserRow | null,
      args: ImportBoardArgs,
    ): Promise<{ board: BoardRow | null; validation: ValidationResult }> {
      const projectId = await requireProject(viewer, args.projectId, "board.edit");
      const name = parseDisplayName("board", args.name);
      const schemaId = args.schemaId ?? latestBoardConfigSchemaId;
      let result: ValidationResult;
      try {
        result = validation.validate(schemaId, args.configJson);
      } catch (error) {
        // Mapped: text that is not JSON (or too large) is the file's problem, reported as data.
        if (!isDomainError(error) || !["BAD_INPUT", "PAYLOAD_TOO_LARGE"].includes(error.code)) {
          throw error;
        }
        return { board: null, validation: unparsableResult(schemaId, error) };
      }
      // Values in secret fields are checked on their own and stored sealed; the board's
      // document gets references to them.
      const parsed = parseConfigJson(args.configJson);
      const lifted = liftSecrets(schemaId, parsed);
      if (lifted.secrets.length > 0) {
        result = withIssues(validation.validate(schemaId, lifted.config), lifted.issues);
      }
      if (!result.valid) return { board: null, validation: result };
      // The schema requires an object at the root, so a valid config is one.
      const config = lifted.config as JsonObject;
      const userId = requireViewer(viewer).id;
      const board = await insert(projectId, name, schemaId, config, (tx, created) =>
        storeLifted(tx, created, lifted.secrets, userId),
      );
      return { board, validation: result };
    },

    /** @throws DomainError `CONFLICT` for an archived board or a name taken in the project. */
    async rename(viewer: UserRow | null, boardId: string, newName: string): Promise<BoardRow> {
      const board = await access.require(viewer, boardId, "board.edit");
      refuseArchived(board, "renaming");
      const name = parseDisplayName("board", newName);
      if (name === board.name) return board;
      return withNameUnique(name, () => updateBoard(db, board.id, { name }));
    },

    /**
     * A new board in the same project and schema with the same config, in a document of its own.
     *
     * @throws DomainError `CONFLICT` for an archived board or a name taken in the project.
     */
    async duplicate(viewer: UserRow | null, boardId: string, newName: string): Promise<BoardRow> {
      const source = await access.require(viewer, boardId, "board.edit");
      refuseArchived(source, "duplicating");
      const name = parseDisplayName("board", newName);
      const config = await configOf(source);
      const copy = await withNameUnique(name, () =>
        duplicateBoard(db, source, { name, state: encodeConfigState(config) }),
      );
      configs.prime(copy.id, config);
      return copy;
    },

    /** Hides the board from `Project.boards`; archiving an archived board changes nothing. */
    async archive(viewer: UserRow | null, boardId: string): Promise<BoardRow> {
      const board = await access.require(viewer, boardId, "board.archive");
      if (board.archivedAt !== null) return board;
      const archived = await updateBoard(db, board.id, { archivedAt: new Date() });
      await collab.setArchived(board.id, true);
      return archived;
    },

    /**
     * Migrates the board's document to `schemaId` (the latest by default) with the core's
     * migrations, as one Yjs change stored with the new schema id in one transaction, so live
     * clients receive it like any edit and nothing is rebuilt. The verdict on the result comes
     * back with the board: a migration keeps data, it cannot make an invalid config valid.
     *
     * @throws DomainError `BAD_INPUT` when no migration leads there (e.g. an older schema),
     *   `CONFLICT` for an archived board.
     */
    async upgradeSchema(
      viewer: UserRow | null,
      boardId: string,
      schemaId?: BoardConfigSchemaId | null,
    ): Promise<{ board: BoardRow; validation: ValidationResult }> {
      const board = await access.require(viewer, boardId, "board.edit");
      refuseArchived(board, "upgrading");
      const target = schemaId ?? latestBoardConfigSchemaId;
      if (board.schemaId !== target) {
        refuseWithoutMigration(board.schemaId, target);
        const userId = requireViewer(viewer).id;
        let lifted: LiftedSecret[] = [];
        await collab.edit(
          board.id,
          (doc) => {
            // Migrations map JSON to JSON. Values in secret fields move to the secret store
            // (as they are: the board's verdict reports what is wrong with them).
            const migrated = liftSecrets(
              target,
              migrateConfig(readConfig(doc), board.schemaId, target) as JsonObject,
            );
            lifted = migrated.secrets;
            setConfig(doc, migrated.config as JsonObject);
          },
          {
            userId,
            alsoStore: async (tx) => {
              await storeLifted(tx, board, lifted, userId);
              await updateBoard(tx, board.id, { schemaId: target });
            },
          },
        );
        configs.clear(board.id);
      }
      const upgraded = { ...board, schemaId: target };
      return { board: upgraded, validation: await validationOf(upgraded) };
    },

    /**
     * Sets a secret field (`writeOnly` in the board's schema): checks the value against the
     * field's `secretValue` schema, stores it sealed (the next revision of the field's secret, or
     * a new secret) and writes the reference into the document as one change. A value with
     * errors stores nothing; the verdict says why without quoting it. Null clears the field.
     *
     * @throws DomainError `BAD_INPUT` when `field` is no secret field of the board's schema or
     *   the object holding it is not in the config, `CONFLICT` for an archived board.
     */
    async setSecret(
      viewer: UserRow | null,
      args: SetSecretArgs,
    ): Promise<{
      board: BoardRow;
      reference: SecretReference | null;
      validation: ValidationResult;
    }> {
      const board = await access.require(viewer, args.boardId, "board.edit");
      refuseArchived(board, "changing secrets of");
      const userId = requireViewer(viewer).id;
      const { schema } = boardConfigSchemas[board.schemaId as BoardConfigSchemaId];
      const segments = pointerToFieldPath(args.field);
      const field = toJsonPointer(segments);
      if (secretValueSchema(schema, segments) === null) {
        throw new DomainError(
          "BAD_INPUT",
          `${echo(field)} is not a secret field of ${board.schemaId}; secret fields are /system/users/<n>/passwordHash and /network/wifi/psk${board.schemaId === latestBoardConfigSchemaId ? "" : ` (upgrade the board to ${latestBoardConfigSchemaId} first)`}.`,
          { details: { field: "field" } },
        );
      }
      const verdict = (issues: ValidationResult["issues"]): ValidationResult => ({
        valid: !issues.some((issue) => issue.severity === "error"),
        schemaId: board.schemaId,
        issues,
        omittedIssueCount: 0,
      });
      const issues =
        args.value === null ? [] : (secretValueIssues(schema, segments, args.value) ?? []);
      if (issues.length > 0) return { board, reference: null, validation: verdict(issues) };

      // Sections on the way are made (the form shows the Wi-Fi section before it has data);
      // list entries (a user) must exist.
      const parent = segments.slice(0, -1);
      const key = segments.at(-1) as string;
      const setting = args.value !== null;
      const holder = holderAt(structuredClone(await configOf(board)), parent, setting);
      if (holder === null) {
        if (!setting) return { board, reference: null, validation: verdict([]) };
        throw new DomainError(
          "BAD_INPUT",
          `${echo(toJsonPointer(parent))} is not in the board's config; add it before setting ${echo(field)}.`,
          { details: { field: "field" } },
        );
      }
      const current = holder[key];
      const reference =
        args.value === null
          ? null
          : await storeSecret(db, secrets, {
              projectId: board.projectId,
              boardId: board.id,
              field,
              value: args.value,
              createdById: userId,
              current: isSecretReference(current) ? current : null,
            });
      await collab.edit(
        board.id,
        (doc) => {
          const config = readConfig(doc);
          const live = holderAt(config, parent, setting);
          if (live === null && setting) {
            throw new DomainError(
              "CONFLICT",
              `${echo(toJsonPointer(parent))} was removed meanwhile; nothing was changed.`,
            );
          }
          if (live === null) return;
          if (reference === null) delete live[key];
          else live[key] = { ...reference };
          setConfig(doc, config);
        },
        { userId },
      );
      configs.clear(board.id);
      return { board, reference, validation: verdict([]) };
    },

    /** Lists the board again; restoring a board that is not archived changes nothing. */
    async restore(viewer: UserRow | null, boardId: string): Promise<BoardRow> {
      const board = await access.require(viewer, boardId, "board.archive");
      if (board.archivedAt === null) return board;
      const restored = await updateBoard(db, board.id, { archivedAt: null });
      await collab.setArchived(board.id, false);
      return restored;
    },
  };
}

/**
 * The object at `segments` of `config` (a section, a list entry), or null when there is none.
 * With `create`, missing sections are added to `config` as empty objects; list entries never.
 */
function holderAt(
  config: JsonObject,
  segments: readonly string[],
  create: boolean,
): JsonObject | null {
  const index = /^(0|[1-9]\d*)$/;
  let node: JsonObject = config;
  for (const [at, segment] of segments.entries()) {
    let next: JsonValue | undefined;
    if (Array.isArray(node)) {
      next = index.test(segment) ? (node as JsonValue[])[Number(segment)] : undefined;
    } else {
      // A section is an object; a segment followed by an index names a list, never made here.
      const nextSegment = segments[at + 1];
      const isSection = nextSegment === undefined || !index.test(nextSegment);
      if (node[segment] === undefined && create && isSection) node[segment] = {};
      next = node[segment];
    }
    if (next === null || typeof next !== "object") return null;
    node = next as JsonObject;
  }
  return Array.isArray(node) ? null : node;
}

export type BoardService = ReturnType<typeof createBoardService>;
