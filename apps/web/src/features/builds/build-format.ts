import type { BuildStatus } from "../../../generated/graphql/graphql";

/** "about 3 min left"; minutes are what a wait is judged in, so seconds are rounded away. */
export function formatEta(seconds: number): string {
  if (seconds < 60) return "less than a minute left";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const rest = minutes % 60;
  return `about ${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ""} left`;
}

/** "42 s", "4 min 12 s", "1 h 5 min": a build's run time, between two ISO timestamps. */
export function formatDuration(from: string, to: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

const SIZE_UNITS = ["B", "KB", "MB", "GB", "TB"];

/** Bytes in binary multiples, "1.5 GB", with a unit people recognise. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${SIZE_UNITS[unit]}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

const logTime = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hour12: false,
});

/** A log line's time of day, to the millisecond: lines of one build are seconds apart. */
export function formatLogTime(iso: string): string {
  return logTime.format(new Date(iso));
}

/** Where a build is in time: its place in the queue, the time left, or how long it took. */
export function describeTiming(build: {
  status: BuildStatus;
  queuePosition: number | null;
  etaSeconds: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}): string {
  switch (build.status) {
    case "QUEUED":
      return build.queuePosition === null ? "Queued" : `Queue position ${build.queuePosition}`;
    case "RUNNING":
      return build.etaSeconds === null ? "No estimate yet" : formatEta(build.etaSeconds);
    case "SUCCEEDED":
    case "FAILED":
    case "CANCELED":
      return build.startedAt && build.finishedAt
        ? `Took ${formatDuration(build.startedAt, build.finishedAt)}`
        : "Never started";
  }
}
