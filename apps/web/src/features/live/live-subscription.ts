import type { TypedDocumentString } from "../../../generated/graphql/graphql";
import type { LiveClient } from "./live-client";

/** Backoff before resubscribing after a lost connection: 1 s, 2 s, 4 s … at most 15 s. */
function retryDelayMs(attempt: number): number {
  return Math.min(1_000 * 2 ** attempt, 15_000);
}

export interface LiveHandlers<TData> {
  onData: (data: TData) => void;
  /** The server refused the subscription (GraphQL errors); resubscribing would not help. */
  onRefused?: (message: string) => void;
  /** The connection failed; a resubscription is scheduled. */
  onConnectionLost?: (message: string) => void;
  /** Subscribed again after a lost connection; pushes may have been missed in between. */
  onResubscribed?: () => void;
  /** The server ended the subscription (e.g. the last line of an ended build's log). */
  onComplete?: () => void;
}

/**
 * Subscribes `document` through `client` and keeps it subscribed: when the connection is lost
 * (graphql-ws gave up its own reconnects), it subscribes again after a backoff. `variables` is
 * read on every (re)subscription, ours and graphql-ws's own, so a cursor such as the log's
 * `after` resumes where it was. Returns the unsubscribe function; nothing is reported after it
 * was called.
 */
export function subscribeLive<TData, TVariables extends Record<string, unknown>>(
  client: LiveClient,
  document: TypedDocumentString<TData, TVariables>,
  variables: () => TVariables,
  handlers: LiveHandlers<TData>,
): () => void {
  let disposed = false;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: () => void = () => undefined;

  const start = () => {
    unsubscribe = client.subscribe<TData>(
      {
        query: document.toString(),
        // graphql-ws resends this same payload when it reconnects by itself; a getter makes
        // each send, its first and its retries, carry the variables as they are then.
        get variables() {
          return variables();
        },
      },
      {
        next: (result) => {
          if (disposed) return;
          if (result.errors?.length) {
            handlers.onRefused?.(describeSubscriptionError(result.errors));
            return;
          }
          failures = 0;
          if (result.data) handlers.onData(result.data);
        },
        error: (error) => {
          if (disposed) return;
          // graphql-ws reports an operation's GraphQL errors as an array, a socket's end as a
          // CloseEvent or Error: only the latter is worth another try.
          if (Array.isArray(error)) {
            handlers.onRefused?.(describeSubscriptionError(error));
            return;
          }
          handlers.onConnectionLost?.(describeSubscriptionError(error));
          retryTimer = setTimeout(() => {
            start();
            handlers.onResubscribed?.();
          }, retryDelayMs(failures++));
        },
        complete: () => {
          if (!disposed) handlers.onComplete?.();
        },
      },
    );
  };

  start();
  return () => {
    disposed = true;
    clearTimeout(retryTimer);
    unsubscribe();
  };
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
