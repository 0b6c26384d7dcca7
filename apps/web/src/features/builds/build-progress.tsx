import type { BuildStatus } from "../../../generated/graphql/graphql";
import { statusLabel } from "./build-status";
import "./builds.css";

const STATUS_ICONS: Record<BuildStatus, string> = {
  QUEUED: "○",
  RUNNING: "◐",
  SUCCEEDED: "✓",
  FAILED: "✕",
  CANCELED: "–",
};

/** The status in words, with a colour and icon as extra cues only. */
export function StatusBadge({ status }: { status: BuildStatus }) {
  return (
    <span className={`build-status build-status--${status.toLowerCase()}`}>
      <span aria-hidden="true">{STATUS_ICONS[status]}</span> {statusLabel(status)}
    </span>
  );
}

/** A build's progress (0 to 1) as a bar; the stage it is in goes into its spoken value. */
export function BuildProgressBar({
  progress,
  stage,
  label,
}: {
  progress: number;
  stage: string | null;
  label: string;
}) {
  const percent = Math.round(Math.min(1, Math.max(0, progress)) * 100);
  return (
    <div
      className="build-progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={stage ? `${percent}%, ${stage}` : `${percent}%`}
    >
      <div className="build-progress__fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
