import DataLoader from "dataloader";
import * as Y from "yjs";

import { diffConfigs, readConfig, setConfig, type ConfigChange } from "@bbos/collab";
import {
  can,
  canonicalJson,
  DomainError,
  isConfigVersionId,
  sha256Hex,
  type BoardId,
  type ConfigVersionId,
  type JsonObject,
  type ValidationResult,
} from "@bbos/core";
import {
  createConfigVersion,
  findBoardForUser,
  findVersionByContentHash,
  findVersionForUser,
  findVersionsById,
  listVersionsByBoard,
  readBoardLog,
  type BoardRow,
  type ConfigVersionRow,
  type Db,
  type UserRow,
  type VersionWithConfigRow,
} from "@bbos/db";

import type { CollabHub } from "../collab/collab-hub.ts";
import { documentFromStore } from "../collab/stored-document.ts";
import {
  BOARD_NOT_FOUND_MESSAGE,
  createBoardAccess,
  forbidden,
  requireViewer,
} from "./board-access.ts";
import type { ValidationService } from "./validation-service.ts";

/** Longest version message, in characters, after trimming. */
const MAX_MESSAGE_LENGTH = 500;
/** Control characters other than tab, line feed and carriage return: a message may span lines. */
const MESSAGE_CONTROL = /(?![\t\n\r])\p{Cc}/u;

const VERSION_NOT_FOUND = "No such version, or you are not a member of its board's project.";

/**
 * A version message as stored: trimmed, at most {@link MAX_MESSAGE_LENGTH} characters.
 *
 * @throws DomainError `BAD_INPUT` for a longer message or one with control characters.
 */
function parseMessage(message: string | null | undefined): string {
  const trimmed = (message ?? "").trim();
  if ([...trimmed].length > MAX_MESSAGE_LENGTH || MESSAGE_CONTROL.test(trimmed)) {
    throw new DomainError(
      "BAD_INPUT",
      `A version message is at most ${MAX_MESSAGE_LENGTH} characters, without control characters other than line breaks and tabs.`,
      { details: { field: "message" } },
    );
  }
  return trimmed;
}

/**
 * Why `version` cannot be restored into `board` as it is now, if it cannot.
 *
 * @throws DomainError `NOT_FOUND` when the board is gone, `CONFLICT` when it is archived or on
 *   another schema than the version.
 */
function assertRestorable(board: BoardRow | null, version: ConfigVersionRow): BoardRow {
  if (!board) throw new DomainError("NOT_FOUND", BOARD_NOT_FOUND_MESSAGE);
  if (board.archivedAt !== null) {
    throw new DomainError(
      "CONFLICT",
      `Board ${JSON.stringify(board.name)} is archived; restore the board first, then the version.`,
      { details: { archivedAt: board.archivedAt.toISOString() } },
    );
  }
  if (board.schemaId !== version.schemaId) {
    throw new DomainError(
      "CONFLICT",
      `Version ${version.number} was saved on ${version.schemaId} and the board is on ${board.schemaId}; ` +
        "only versions on the board's schema can be restored.",
      { details: { versionSchemaId: version.schemaId, boardSchemaId: board.schemaId } },
    );
  }
  return board;
}

export interface SaveVersionArgs {
  boardId: string;
  message?: string | null;
}

export interface SaveVersionResult {
  /** The new version, the existing one with the same content, or null for an invalid config. */
  version: ConfigVersionRow | null;
  created: boolean;
  validation: ValidationResult;
}

export interface VersionDiff {
  from: ConfigVersionRow;
  to: ConfigVersionRow;
  changes: ConfigChange[];
}

export interface VersionServiceOptions {
  db: Db;
  validation: ValidationService;
  collab: CollabHub;
}

/**
 * Config version use cases for one request: save the board's stored config as an immutable
 * version, list, diff and restore versions. Access follows the viewer's role in the board's
 * project (`can`), as for boards: a non-member learns nothing (NOT_FOUND or null, as for a missing
 * board or version), reading needs `project.read`, saving and restoring `version.save`.
 * Lists and configs are read once per request, batched.
 */
export function createVersionService({ db, validation, collab }: VersionServiceOptions) {
  const access = createBoardAccess(db);
  const lists = new DataLoader<BoardId, ConfigVersionRow[]>(async (boardIds) => {
    const byBoard = await listVersionsByBoard(db, boardIds);
    return boardIds.map((id) => byBoard.get(id) ?? []);
  });
  // Lists leave the configs out; a page that shows them reads them in one query.
  const configs = new DataLoader<ConfigVersionId, JsonObject>(async (versionIds) => {
    const rows = await findVersionsById(db, versionIds);
    const byId = new Map(rows.map((row) => [row.id, row.config]));
    // Versions are immutable and deleted only with their board: gone means deleted with it.
    return versionIds.map((id) => byId.get(id) ?? new DomainError("NOT_FOUND", VERSION_NOT_FOUND));
  });

  function known(row: VersionWithConfigRow): ConfigVersionRow {
    configs.prime(row.id, row.config);
    return row;
  }

  /** The config the board's stored document holds, and the document's Yjs state vector. */
  async function readStoredContent(boardId: BoardId) {
    const stored = await readBoardLog(db, boardId);
    if (!stored) throw new DomainError("NOT_FOUND", BOARD_NOT_FOUND_MESSAGE);
    const doc = documentFromStore(stored);
    try {
      return {
        schemaId: stored.schemaId,
        config: readConfig(doc),
        stateVector: Y.encodeStateVector(doc),
      };
    } finally {
      doc.destroy();
    }
  }

  return {
    /** The board's versions, newest first. @throws DomainError `NOT_FOUND` as for boards. */
    async list(viewer: UserRow | null, boardId: string): Promise<ConfigVersionRow[]> {
      const board = await access.require(viewer, boardId, "project.read");
      return lists.load(board.id);
    },

    /** The version's config as saved. The caller has checked access to the version. */
    config(version: ConfigVersionRow): Promise<JsonObject> {
      return configs.load(version.id);
    },

    /**
     * The changes from version `a` to version `b`; null when either does not exist or the viewer
     * may not see its board.
     *
     * @throws DomainError `BAD_INPUT` for versions of two different boards.
     */
    async diff(viewer: UserRow | null, a: string, b: string): Promise<VersionDiff | null> {
      const user = requireViewer(viewer);
      if (!isConfigVersionId(a) || !isConfigVersionId(b)) return null;
      const rows = await findVersionsById(db, a === b ? [a] : [a, b]);
      const from = rows.find((row) => row.id === a);
      const to = rows.find((row) => row.id === b);
      if (!from || !to || !(await access.readable(user, from.boardId))) return null;
      if (to.boardId !== from.boardId) {
        // Only a member of both boards learns that both versions exist.
        if (!(await access.readable(user, to.boardId))) return null;
        throw new DomainError(
          "BAD_INPUT",
          "Both versions must belong to the same board; these belong to two boards.",
          { details: { field: "b" } },
        );
      }
      return { from: known(from), to: known(to), changes: diffConfigs(from.config, to.config) };
    },

    /**
     * Saves the board's config as its stored document holds it now (every accepted edit is
     * stored before it is relayed) as a new version: canonical JSON, its SHA-256, the board's
     * schema id, the author, the message and the document's state vector. An invalid config
     * saves nothing (`version: null`, the verdict says why); content the board already has a
     * version of returns that version with `created: false`.
     *
     * @throws DomainError `BAD_INPUT` for a bad message; `NOT_FOUND` / `FORBIDDEN` by access.
     */
    async save(viewer: UserRow | null, args: SaveVersionArgs): Promise<SaveVersionResult> {
      const user = requireViewer(viewer);
      const board = await access.require(user, args.boardId, "version.save");
      const message = parseMessage(args.message);
      // Schema id and document from one read, so the verdict is on the schema the content has.
      const { schemaId, config, stateVector } = await readStoredContent(board.id);
      const verdict = validation.validate(schemaId, config);
      if (!verdict.valid) return { version: null, created: false, validation: verdict };

      const canonical = canonicalJson(config);
      const contentHash = sha256Hex(canonical);
      // What is stored is the canonical form's value (e.g. -0 as 0), so it hashes to contentHash;
      // any version with this hash holds the same value.
      const content = JSON.parse(canonical) as JsonObject;
      // The common repeat needs no lock; createConfigVersion checks again under it.
      const existing = await findVersionByContentHash(db, board.id, contentHash);
      if (existing) {
        return {
          version: known({ ...existing, config: content }),
          created: false,
          validation: verdict,
        };
      }
      const saved = await createConfigVersion(db, {
        boardId: board.id,
        schemaId,
        config: content,
        contentHash,
        message,
        authorId: user.id,
        stateVector,
      });
      if (!saved) throw new DomainError("NOT_FOUND", BOARD_NOT_FOUND_MESSAGE);
      known({ ...saved.version, config: content });
      return { ...saved, validation: verdict };
    },

    /**
     * Makes the board's document hold the version's config, writing only the differences as one
     * Yjs change (`setConfig` through the collab hub), so live editors receive it like any edit
     * and their edits to fields the two configs agree on survive. Restoring what the board holds
     * changes nothing.
     *
     * @throws DomainError `NOT_FOUND` / `FORBIDDEN` by access; `CONFLICT` for an archived board
     *   or a version on another schema than the board's.
     */
    async restore(viewer: UserRow | null, versionId: string): Promise<BoardRow> {
      const user = requireViewer(viewer);
      const version = isConfigVersionId(versionId)
        ? await findVersionForUser(db, versionId, user.id)
        : null;
      if (!version) throw new DomainError("NOT_FOUND", VERSION_NOT_FOUND);
      if (!can(version.role, "version.save")) throw forbidden(version.role, "version.save");
      const board = assertRestorable(await findBoardForUser(db, version.boardId, user.id), version);
      await collab.edit(board.id, (doc) => setConfig(doc, version.config), {
        userId: user.id,
        // Checked again in the transaction that stores the change: an archive or a schema
        // upgrade that committed meanwhile refuses the restore (nothing is stored or relayed).
        alsoStore: async (tx) => {
          assertRestorable(await findBoardForUser(tx, board.id, user.id), version);
        },
      });
      return board;
    },
  };
}

export type VersionService = ReturnType<typeof createVersionService>;
