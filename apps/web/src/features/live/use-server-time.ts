import { useEffect, useState } from "react";

import { graphql } from "../../../generated/graphql";
import type { ServerTimeSubscription } from "../../../generated/graphql/graphql";
import { getLiveClient, type LiveClient } from "./live-client";

export const SERVER_TIME_SUBSCRIPTION = graphql(`
  subscription ServerTime {
    serverTime
  }
`);

export type ServerTimeState =
  | { status: "connecting" }
  | { status: "live"; time: string }
  | { status: "error"; message: string };

/**
 * The server's clock, pushed every second over graphql-ws: proof that subscriptions work
 * end to end. Unsubscribes on unmount; the shared client then closes its idle socket.
 */
export function useServerTime(client: LiveClient = getLiveClient()): ServerTimeState {
  const [state, setState] = useState<ServerTimeState>({ status: "connecting" });

  useEffect(() => {
    return client.subscribe<ServerTimeSubscription>(
      { query: SERVER_TIME_SUBSCRIPTION.toString() },
      {
        next: (result) => {
          if (result.errors?.length) {
            setState({ status: "error", message: result.errors.map((e) => e.message).join("; ") });
          } else if (result.data) {
            setState({ status: "live", time: result.data.serverTime });
          }
        },
        error: (error) => setState({ status: "error", message: describeSubscriptionError(error) }),
        // The server never completes this subscription on its own; nothing to do if it does.
        complete: () => undefined,
      },
    );
  }, [client]);

  return state;
}

/** graphql-ws reports an `Error`, a socket `CloseEvent`, or a list of GraphQL errors. */
export function describeSubscriptionError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) {
    return error.map((e: unknown) => (isWithMessage(e) ? e.message : String(e))).join("; ");
  }
  if (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "number"
  ) {
    const reason =
      "reason" in error && typeof error.reason === "string" && error.reason
        ? `: ${error.reason}`
        : "";
    return `connection closed (${error.code}${reason})`;
  }
  return "subscription failed";
}

function isWithMessage(value: unknown): value is { message: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    "message" in value &&
    typeof value.message === "string"
  );
}
