import type { BuildStatus } from "../../../generated/graphql/graphql";

/** Every status, in the order a build passes through them (the filter lists them so). */
export const BUILD_STATUSES = [
  "QUEUED",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "CANCELED",
] as const satisfies readonly BuildStatus[];

const LABELS: Record<BuildStatus, string> = {
  QUEUED: "Queued",
  RUNNING: "Running",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  CANCELED: "Canceled",
};

export function statusLabel(status: BuildStatus): string {
  return LABELS[status];
}

export function isBuildStatus(value: unknown): value is BuildStatus {
  return typeof value === "string" && value in LABELS;
}

export function isEnded(status: BuildStatus): boolean {
  return status === "SUCCEEDED" || status === "FAILED" || status === "CANCELED";
}
