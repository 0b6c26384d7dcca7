/**
 * Worker settings under which a dead worker's build moves on within seconds: short BullMQ locks
 * and stalled checks, short heartbeats, frequent reconciliation.
 */
export const fastRecovery = {
  locks: { lockDuration: 4_000, stalledInterval: 2_000 },
  heartbeatTtlMs: 3_000,
  reconcileIntervalMs: 2_000,
};
