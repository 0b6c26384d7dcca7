/**
 * Close codes of the collab socket. The y-websocket client stops reconnecting on 4400–4499
 * (the server decided and reconnecting cannot change it) and retries on anything else, so the
 * codes follow that split. Documented in the server's README.
 */
export const CollabCloseCode = {
  /** A frame that is not a well-formed y-websocket message, or an update Yjs cannot decode. */
  MALFORMED_MESSAGE: 4400,
  /** Nobody is signed in. */
  UNAUTHENTICATED: 4401,
  /** The request's Origin is not one the server serves (cross-site WebSocket hijacking). */
  ORIGIN_NOT_ALLOWED: 4403,
  /** No such board, or the user is not a member of its project: the two look the same. */
  BOARD_NOT_FOUND: 4404,
  /** An update put a value into a secret field; secrets are set with `setSecret` only. */
  SECRET_VALUE: 4422,
  /** The document would grow past the configured maximum. */
  DOCUMENT_TOO_LARGE: 4413,
  /** The connection sent more messages than its rate allows. */
  RATE_LIMITED: 4429,
  /** The board has as many connections as allowed; try again later. */
  BOARD_FULL: 4509,
  /** The server is shutting down; reconnect (to another API node). */
  GOING_AWAY: 1001,
} as const;

export type CollabCloseCode = (typeof CollabCloseCode)[keyof typeof CollabCloseCode];

/**
 * Reasons sent with y-protocols' auth "permission denied" message: the connection stays open,
 * the client's updates are not applied.
 */
export const PermissionDeniedReason = {
  READ_ONLY: "read-only: your role in this project does not allow editing",
  ARCHIVED: "read-only: this board is archived",
  STORAGE_UNAVAILABLE:
    "edits paused: the server cannot store them right now; they will be sent again",
} as const;
