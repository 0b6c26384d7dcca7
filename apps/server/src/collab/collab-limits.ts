// What one API node allows on the collab socket; every value can be set per server.
export interface CollabLimits {
  /** Largest WebSocket message accepted. @defaultValue 1 MiB */
  maxMessageBytes: number;
  /** Largest stored document (compacted state plus log). @defaultValue 16 MiB */
  maxDocumentBytes: number;
  /** Sustained messages per second per connection… */
  messagesPerSecond: number;
  /** …with bursts up to this many. */
  messageBurst: number;
  maxConnectionsPerBoard: number;
  /** Longest presence state relayed, as JSON. */
  maxPresenceStateChars: number;
  /** Compact the log after this many stored updates… */
  compactEveryUpdates: number;
  /** …or when the board has had no update for this long. */
  compactWhenIdleMs: number;
}

export const DEFAULT_COLLAB_LIMITS: CollabLimits = {
  maxMessageBytes: 1024 * 1024,
  maxDocumentBytes: 16 * 1024 * 1024,
  messagesPerSecond: 100,
  messageBurst: 400,
  maxConnectionsPerBoard: 500,
  maxPresenceStateChars: 4096,
  compactEveryUpdates: 500,
  compactWhenIdleMs: 30_000,
};
