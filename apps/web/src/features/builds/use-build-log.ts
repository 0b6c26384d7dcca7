import { useEffect, useMemo, useState } from "react";

import { graphql } from "../../../generated/graphql";
import { getLiveClient, type LiveClient } from "../live/live-client";
import { createLogBuffer, type LogBuffer } from "./log-buffer";
import { subscribeLive } from "../live/live-subscription";

const BUILD_LOG_SUBSCRIPTION = graphql(`
  subscription BuildLog($buildId: ID!, $after: Int) {
    buildLog(buildId: $buildId, after: $after) {
      seq
      at
      stream
      text
    }
  }
`);

export type BuildLogStatus = "connecting" | "streaming" | "reconnecting" | "complete" | "refused";

export interface BuildLogFeed {
  /** Mutated in place as lines arrive; `version` changes when it did. */
  buffer: LogBuffer;
  version: number;
  status: BuildLogStatus;
  /** Why the log is reconnecting or was refused. */
  message: string | null;
}

/**
 * The logs read in this page's session, most recently opened last, so a viewer that remounts
 * (a panel moved, a build reopened) resumes after the last line it has instead of reading the
 * log again. A reload starts with none and reads each log from its first line.
 */
const sessionLogs = new Map<string, LogBuffer>();
const SESSION_LOGS_KEPT = 4;

function sessionLog(buildId: string): LogBuffer {
  const buffer = sessionLogs.get(buildId) ?? createLogBuffer();
  sessionLogs.delete(buildId);
  sessionLogs.set(buildId, buffer);
  for (const oldest of sessionLogs.keys()) {
    if (sessionLogs.size <= SESSION_LOGS_KEPT) break;
    sessionLogs.delete(oldest);
  }
  return buffer;
}

/**
 * A build's log, live: subscribes `buildLog` after the last line already held, and again after
 * a lost connection, so no line is missed or shown twice. Lines land in the buffer at once;
 * React hears about them at most once per animation frame, however fast they come.
 */
export function useBuildLog(buildId: string, client: LiveClient = getLiveClient()): BuildLogFeed {
  const buffer = useMemo(() => sessionLog(buildId), [buildId]);
  const [version, setVersion] = useState(0);
  const [connection, setConnection] = useState({
    buildId,
    status: "connecting" as BuildLogStatus,
    message: null as string | null,
  });

  useEffect(() => {
    let frame = 0;
    let reported: BuildLogStatus = "connecting";
    const report = (status: BuildLogStatus, message: string | null = null) => {
      reported = status;
      setConnection({ buildId, status, message });
    };
    const flush = () => {
      frame = 0;
      setVersion((current) => current + 1);
    };

    const unsubscribe = subscribeLive(
      client,
      BUILD_LOG_SUBSCRIPTION,
      () => ({ buildId, after: buffer.lastSeq }),
      {
        onData: ({ buildLog }) => {
          if (reported !== "streaming") report("streaming");
          if (buffer.append(buildLog) && frame === 0) frame = requestAnimationFrame(flush);
        },
        onConnectionLost: (message) => report("reconnecting", message),
        onResubscribed: () => report("streaming"),
        onRefused: (message) => report("refused", message),
        onComplete: () => report("complete"),
      },
    );
    return () => {
      cancelAnimationFrame(frame);
      unsubscribe();
    };
  }, [buffer, buildId, client]);

  // Until the new build's subscription reports, its log is connecting, whatever the last said.
  const current =
    connection.buildId === buildId ? connection : { status: "connecting" as const, message: null };
  return { buffer, version, status: current.status, message: current.message };
}
