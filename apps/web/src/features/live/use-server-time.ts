import { useEffect, useState } from "react";

import { graphql } from "../../../generated/graphql";
import { getLiveClient, type LiveClient } from "./live-client";
import { subscribeLive } from "./live-subscription";

export const SERVER_TIME_SUBSCRIPTION = graphql(`
  subscription ServerTime {
    serverTime
  }
`);

export type ServerTimeState =
  | { status: "connecting" }
  | { status: "live"; time: string }
  /** The socket was lost; a resubscription is on its way. */
  | { status: "reconnecting"; message: string }
  | { status: "error"; message: string };

/**
 * The server's clock, pushed every second over graphql-ws: proof that subscriptions work end to
 * end, and the status bar's sign of a lost socket (resubscribed with backoff). Unsubscribes on
 * unmount; the shared client then closes its idle socket.
 */
export function useServerTime(client: LiveClient = getLiveClient()): ServerTimeState {
  const [state, setState] = useState<ServerTimeState>({ status: "connecting" });

  useEffect(
    () =>
      subscribeLive(client, SERVER_TIME_SUBSCRIPTION, () => ({}), {
        onData: (data) => setState({ status: "live", time: data.serverTime }),
        onRefused: (message) => setState({ status: "error", message }),
        onConnectionLost: (message) => setState({ status: "reconnecting", message }),
      }),
    [client],
  );

  return state;
}
