// Live validation: while anyone watches a board (the `boardValidation` subscription), every
// change of its document, from any client or API node, is followed by a validation of the derived
// config, debounced, and the verdict goes to every watcher. Editors never wait for it: edits are
// relayed before and regardless of validation. A verdict is kept per document revision, so a
// watcher that joins gets the current one without validating again.
import { EventEmitter, on } from "node:events";

import { readConfig } from "@bbos/collab";
import type { BoardId, ValidationResult } from "@bbos/core";
import { findBoard, type Db } from "@bbos/db";

import type { CollabHub } from "../collab/collab-hub.ts";
import type { Logger } from "../logger.ts";
import type { ValidationService } from "./validation-service.ts";

const VERDICT = "verdict";

interface WatchedBoard {
  events: EventEmitter;
  watchers: number;
  /** Bumped on every change of the document. */
  revision: number;
  latest: { revision: number; result: ValidationResult } | null;
  timer: NodeJS.Timeout | undefined;
  stop: () => void;
}

export interface LiveValidationOptions {
  db: Db;
  collab: CollabHub;
  validation: ValidationService;
  log: Logger;
  /** Quiet time after a change before validating. @defaultValue 200 */
  debounceMs?: number;
}

export function createLiveValidation(options: LiveValidationOptions) {
  const { db, collab, validation, log } = options;
  const debounceMs = options.debounceMs ?? 200;
  const boards = new Map<BoardId, Promise<WatchedBoard>>();

  async function validateNow(boardId: BoardId, board: WatchedBoard): Promise<void> {
    const revision = board.revision;
    if (board.latest?.revision === revision) return;
    const [room, row] = await Promise.all([collab.openRoom(boardId), findBoard(db, boardId)]);
    if (!row) return;
    const result = validation.validate(row.schemaId, readConfig(room.doc));
    // A newer change is waiting for its own run; this verdict still goes out meanwhile.
    board.latest = { revision, result };
    board.events.emit(VERDICT, result);
  }

  function schedule(boardId: BoardId, board: WatchedBoard): void {
    board.revision++;
    clearTimeout(board.timer);
    board.timer = setTimeout(() => {
      validateNow(boardId, board).catch((error: unknown) =>
        log.warn({ err: error, boardId }, "live validation failed"),
      );
    }, debounceMs);
  }

  async function watch(boardId: BoardId): Promise<WatchedBoard> {
    const room = await collab.openRoom(boardId);
    const board: WatchedBoard = {
      events: new EventEmitter(),
      watchers: 0,
      revision: 0,
      latest: null,
      timer: undefined,
      stop: () => undefined,
    };
    board.stop = room.watch(() => schedule(boardId, board));
    return board;
  }

  function release(boardId: BoardId, board: WatchedBoard): void {
    board.watchers--;
    if (board.watchers > 0) return;
    clearTimeout(board.timer);
    board.stop();
    boards.delete(boardId);
  }

  return {
    /**
     * The board's verdicts: the current one first, then one after each burst of changes. The
     * caller has checked that the viewer may read the board. Ends when `signal` aborts.
     */
    async *verdicts(boardId: BoardId, signal: AbortSignal): AsyncGenerator<ValidationResult> {
      let opening = boards.get(boardId);
      if (!opening) {
        opening = watch(boardId);
        boards.set(boardId, opening);
        opening.catch(() => boards.delete(boardId));
      }
      const board = await opening;
      board.watchers++;
      try {
        // Listening before the first run, so no verdict falls between the two.
        const next = on(board.events, VERDICT, { signal });
        await validateNow(boardId, board);
        let sent = board.latest?.result;
        if (sent) yield sent;
        for await (const [result] of next) {
          if (result === sent) continue;
          sent = result as ValidationResult;
          yield sent;
        }
      } catch (error) {
        if (!signal.aborted) throw error;
      } finally {
        release(boardId, board);
      }
    },
  };
}

export type LiveValidation = ReturnType<typeof createLiveValidation>;
