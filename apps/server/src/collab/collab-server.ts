// The Yjs sync endpoint, `/collab/<boardId>`, speaking the standard y-websocket protocol, so an
// unmodified `WebsocketProvider(serverUrl + "/collab", boardId)` connects.
//
// Access is decided on the upgrade request, before the document is touched: the Origin (a
// browser's cookie must not open a socket for another site), the identity (the same function
// GraphQL uses), and the user's role in the board's project. Refusals are close codes the client
// can read (close-codes.ts), because a browser never sees the HTTP status of a failed upgrade;
// only "storage is down, come back later" is an HTTP 503, so clients back off.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import { WebSocketServer, type WebSocket } from "ws";

import { can } from "@bbos/core";
import type { Db } from "@bbos/db";

import { scopeAllows } from "../auth/api-tokens.ts";
import type { Identity } from "../auth/identity.ts";
import { scopeFor, transportPolicies } from "../auth/policies.ts";
import type { UpgradeRouter } from "../http/upgrade-router.ts";
import type { Logger } from "../logger.ts";
import { createBoardAccess } from "../services/board-access.ts";
import { CollabCloseCode } from "./close-codes.ts";
import type { CollabHub } from "./collab-hub.ts";
import { toPresenceUser } from "./presence.ts";

const COLLAB_PATH = "/collab/";

export interface CollabEndpointOptions {
  hub: CollabHub;
  db: Db;
  upgrades: UpgradeRouter;
  identity: Identity;
  log: Logger;
  /**
   * Origins other than the server's own that may open the socket (e.g. a dev server).
   * Requests without an Origin header (non-browser clients) are not subject to it.
   */
  allowedOrigins?: readonly string[] | undefined;
}

function isAllowedOrigin(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function registerCollab({
  hub,
  db,
  upgrades,
  identity,
  log,
  allowedOrigins = [],
}: CollabEndpointOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: hub.limits.maxMessageBytes });
  const access = createBoardAccess(db);
  let closing = false;

  function accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket> {
    return new Promise((resolve) => wss.handleUpgrade(request, socket, head, resolve));
  }

  async function refuse(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    code: CollabCloseCode,
    reason: string,
  ): Promise<void> {
    const ws = await accept(request, socket, head);
    ws.close(code, reason);
  }

  function unavailable(socket: Duplex): void {
    socket.end("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n\r\n");
  }

  async function admit(request: IncomingMessage, socket: Duplex, head: Buffer, path: string) {
    if (closing || !hub.storage.available) return unavailable(socket);
    if (!isAllowedOrigin(request, allowedOrigins)) {
      return refuse(
        request,
        socket,
        head,
        CollabCloseCode.ORIGIN_NOT_ALLOWED,
        "origin not allowed",
      );
    }
    const refused = await identity.refusesCredentials(request);
    if (refused !== null) {
      const reason = refused === "token" ? "invalid API token" : "session ended";
      return refuse(request, socket, head, CollabCloseCode.UNAUTHENTICATED, reason);
    }
    const viewer = await identity.resolveViewer(request);
    if (!viewer) {
      return refuse(request, socket, head, CollabCloseCode.UNAUTHENTICATED, "sign in first");
    }
    const boardId = decodeURIComponent(path.slice(COLLAB_PATH.length));
    // Not a member: the same answer as no such board, so ids of other projects' boards leak nothing.
    const board = await access.readable(viewer, boardId);
    if (!board || !can(board.role, transportPolicies.collabRead)) {
      return refuse(request, socket, head, CollabCloseCode.BOARD_NOT_FOUND, "board not found");
    }
    const room = await hub.openRoom(board.id);
    if (room.connectionCount >= hub.limits.maxConnectionsPerBoard) {
      return refuse(request, socket, head, CollabCloseCode.BOARD_FULL, "board is full");
    }
    room.join(await accept(request, socket, head), {
      userId: viewer.id,
      user: toPresenceUser(viewer),
      mayEdit:
        can(board.role, transportPolicies.collabWrite) &&
        (viewer.tokenScopes === undefined ||
          scopeAllows(viewer.tokenScopes, scopeFor(transportPolicies.collabWrite, true))),
    });
  }

  upgrades.route(COLLAB_PATH, (request, socket, head, path) => {
    admit(request, socket, head, path).catch((error: unknown) => {
      log.warn({ err: error, path }, "collab upgrade failed");
      if (!socket.destroyed) unavailable(socket);
    });
  });

  return {
    /** Stops taking new connections; the hub closes the open ones. */
    close(): void {
      closing = true;
      wss.close();
    },
  };
}
